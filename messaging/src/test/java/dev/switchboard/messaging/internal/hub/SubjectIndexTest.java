package dev.switchboard.messaging.internal.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.messaging.internal.Subjects;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SubjectIndexTest {

  @Test
  void findsLiteralAndWildcardFilters() {
    SubjectIndex<String> index = new SubjectIndex<>();
    index.add("orders.eu", "literal");
    index.add("orders.*", "star");
    index.add("orders.>", "tail");
    index.add(">", "all");
    index.add("*.eu", "star-eu");
    assertThat(index.match("orders.eu"))
        .containsExactlyInAnyOrder("literal", "star", "tail", "all", "star-eu");
    assertThat(index.match("orders.us")).containsExactlyInAnyOrder("star", "tail", "all");
    assertThat(index.match("orders.eu.new")).containsExactlyInAnyOrder("tail", "all");
    assertThat(index.match("orders")).containsExactlyInAnyOrder("all");
  }

  @Test
  void removalTakesEffectEvenForCachedSubjects() {
    SubjectIndex<String> index = new SubjectIndex<>();
    index.add("orders.*", "a");
    index.add("orders.*", "b");
    assertThat(index.match("orders.eu")).containsExactly("a", "b");
    assertThat(index.remove("orders.*", "a")).isTrue();
    assertThat(index.match("orders.eu")).containsExactly("b");
    assertThat(index.remove("orders.*", "a")).isFalse();
    assertThat(index.remove("orders.*", "b")).isTrue();
    assertThat(index.match("orders.eu")).isEmpty();
    assertThat(index.size()).isZero();
    index.add("orders.eu", "c");
    assertThat(index.match("orders.eu")).containsExactly("c");
  }

  @Test
  void agreesWithTheReferenceMatcherOnRandomSubjects() {
    Random random = new Random(42);
    String[] tokens = {"a", "b", "c", "*", ">"};
    SubjectIndex<String> index = new SubjectIndex<>();
    List<String> filters = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      StringBuilder filter = new StringBuilder();
      int length = 1 + random.nextInt(4);
      for (int t = 0; t < length; t++) {
        String token = tokens[random.nextInt(t == length - 1 ? 5 : 4)];
        filter.append(t == 0 ? "" : ".").append(token);
      }
      filters.add(filter.toString());
      index.add(filter.toString(), filter + "#" + i);
    }
    for (int i = 0; i < 500; i++) {
      StringBuilder subject = new StringBuilder();
      int length = 1 + random.nextInt(5);
      for (int t = 0; t < length; t++) {
        subject.append(t == 0 ? "" : ".").append(tokens[random.nextInt(3)]);
      }
      long expected = filters.stream().filter(f -> Subjects.matches(f, subject.toString())).count();
      assertThat(index.match(subject.toString())).as(subject.toString()).hasSize((int) expected);
    }
  }
}
