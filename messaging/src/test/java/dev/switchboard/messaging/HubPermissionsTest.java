package dev.switchboard.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HubPermissionsTest {
  private final HubPermissions permissions =
      HubPermissions.builder()
          .allowPublish("billing", "invoices", "orders.*.paid")
          .allowSubscribe("billing", "orders.>", "prices.*")
          .build();

  @Test
  void publishIsAllowedOnlyWhereAFilterMatches() {
    assertThat(permissions.mayPublish("billing", "invoices")).isTrue();
    assertThat(permissions.mayPublish("billing", "orders.eu.paid")).isTrue();
    assertThat(permissions.mayPublish("billing", "orders.eu.shipped")).isFalse();
    assertThat(permissions.mayPublish("billing", "invoices.old")).isFalse();
    assertThat(permissions.mayPublish("someone-else", "invoices")).isFalse();
  }

  @Test
  void aSubscriptionIsAllowedWhenEverySubjectItMatchesIs() {
    assertThat(permissions.maySubscribe("billing", "orders.eu")).isTrue();
    assertThat(permissions.maySubscribe("billing", "orders.*")).isTrue();
    assertThat(permissions.maySubscribe("billing", "orders.>")).isTrue();
    assertThat(permissions.maySubscribe("billing", "orders")).isFalse();
    assertThat(permissions.maySubscribe("billing", ">")).isFalse();
    assertThat(permissions.maySubscribe("billing", "prices.sku1")).isTrue();
    assertThat(permissions.maySubscribe("billing", "prices.*")).isTrue();
    assertThat(permissions.maySubscribe("billing", "prices.>")).isFalse();
    assertThat(permissions.maySubscribe("billing", "prices.a.b")).isFalse();
  }

  @Test
  void allowAllAllowsEverything() {
    assertThat(HubPermissions.allowAll().mayPublish("anyone", "x.y")).isTrue();
    assertThat(HubPermissions.allowAll().maySubscribe(HubPermissions.ANONYMOUS, ">")).isTrue();
  }

  @Test
  void malformedFiltersAreRejectedWithTheReason() {
    assertThatThrownBy(() -> HubPermissions.builder().allowPublish("x", "orders..eu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty token");
  }
}
