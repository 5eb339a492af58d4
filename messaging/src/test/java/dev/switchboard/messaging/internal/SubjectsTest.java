package dev.switchboard.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubjectsTest {

  @Test
  void wellFormedSubjectsPass() {
    assertThat(Subjects.checkSubject("orders.eu.new")).isEqualTo("orders.eu.new");
    assertThat(Subjects.checkFilter("orders.*.new")).isEqualTo("orders.*.new");
    assertThat(Subjects.checkFilter("orders.>")).isEqualTo("orders.>");
    assertThat(Subjects.checkFilter(">")).isEqualTo(">");
  }

  @Test
  void eachProblemIsNamedWithWhereItIs() {
    assertThatThrownBy(() -> Subjects.checkSubject("")).hasMessage("subject is empty");
    assertThatThrownBy(() -> Subjects.checkSubject("orders..eu"))
        .hasMessage("subject 'orders..eu' has an empty token at character 8");
    assertThatThrownBy(() -> Subjects.checkSubject("orders.*"))
        .hasMessage("subject 'orders.*' has the wildcard '*'; only subscriptions may");
    assertThatThrownBy(() -> Subjects.checkFilter("orders.>.eu"))
        .hasMessage("subject filter 'orders.>.eu': '>' must be the last token");
    assertThatThrownBy(() -> Subjects.checkFilter("orders.e*"))
        .hasMessageContaining("wildcards must be whole tokens");
    assertThatThrownBy(() -> Subjects.checkSubject("orders eu"))
        .hasMessage("subject 'orders eu' has whitespace or a control character at 7");
    assertThatThrownBy(() -> Subjects.checkName("a.*", "queue"))
        .hasMessageStartingWith("queue name 'a.*'");
  }

  @Test
  void wildcardsMatchAsInNats() {
    assertThat(Subjects.matches("orders.*", "orders.eu")).isTrue();
    assertThat(Subjects.matches("orders.*", "orders.eu.new")).isFalse();
    assertThat(Subjects.matches("orders.*", "orders")).isFalse();
    assertThat(Subjects.matches("orders.>", "orders.eu.new")).isTrue();
    assertThat(Subjects.matches("orders.>", "orders.eu")).isTrue();
    assertThat(Subjects.matches("orders.>", "orders")).isFalse();
    assertThat(Subjects.matches("*.eu.>", "orders.eu.new.x")).isTrue();
    assertThat(Subjects.matches(">", "a")).isTrue();
    assertThat(Subjects.matches("orders.eu", "orders.eu")).isTrue();
    assertThat(Subjects.matches("orders.eu", "orders.us")).isFalse();
  }
}
