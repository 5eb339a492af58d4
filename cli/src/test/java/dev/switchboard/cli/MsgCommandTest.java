package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bad usage and bad input of {@code sb msg}: exit 2 and one line, before any hub is dialled. */
class MsgCommandTest {
  private static final String NO_HUB = "127.0.0.1:1";

  @Test
  void aSenderWithoutPayloadSaysHowToGiveOne() {
    SbRun run = SbRun.run("msg", "pub", "orders.eu", "--hub", NO_HUB);

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("-d is required: the payload (text, @FILE or @-)\n");
  }

  @Test
  void aMissingPayloadFileIsNamed() {
    SbRun run = SbRun.run("msg", "queue", "push", "jobs", "-d", "@no-such.json", "--hub", NO_HUB);

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("-d @no-such.json: no such file\n");
  }

  @Test
  void aResponderNeedsEchoOrAFixedAnswer() {
    SbRun neither = SbRun.run("msg", "reply", "prices.get", "--hub", NO_HUB);
    SbRun both = SbRun.run("msg", "reply", "prices.get", "--echo", "-d", "x", "--hub", NO_HUB);

    assertThat(neither.exit()).isEqualTo(2);
    assertThat(neither.err())
        .isEqualTo("give either --echo (answer with the request) or -d (a fixed answer)\n");
    assertThat(both.exit()).isEqualTo(2);
  }

  @Test
  void aTypeNeedsItsContract() {
    SbRun run =
        SbRun.run("msg", "pub", "o", "-d", "{}", "--type", "shop.v1.Order", "--hub", NO_HUB);

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "--type shop.v1.Order needs the contract: --proto FILE (with -I DIR) or --protoset"
                + " FILE\n");
  }

  @Test
  void badAddressesAndDurationsAreUsageErrors() {
    SbRun address = SbRun.run("msg", "pub", "o", "-d", "x", "--hub", "nats://");
    SbRun duration = SbRun.run("msg", "pub", "o", "-d", "x", "--timeout", "soon");
    SbRun port = SbRun.run("hub", "--port", "many");

    assertThat(address.exit()).isEqualTo(2);
    assertThat(address.err()).startsWith("--hub 'nats://': ");
    assertThat(duration.exit()).isEqualTo(2);
    assertThat(duration.err()).contains("'soon' is not a duration");
    assertThat(port.exit()).isEqualTo(2);
  }

  @Test
  void anUnreachableHubIsUnavailableWithinTheConnectTimeout() {
    SbRun run =
        SbRun.run("msg", "pub", "o", "-d", "x", "--hub", NO_HUB, "--connect-timeout", "200ms");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("UNAVAILABLE: cannot reach the hub at " + NO_HUB)
        .hasLineCount(1);
  }
}
