package no.vakt.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vakt alert test} end to end: a real config file, real receivers on 127.0.44.4. */
class AlertCommandTest {
    @TempDir
    Path dir;

    @Test
    void reportsEachChannelsAnswerAndFailsWhenOneDoesNotDeliver() throws Exception {
        try (HookServer hooks = HookServer.start("127.0.44.4")
                .handler(r -> r.path().startsWith("/services/") ? HookServer.Answer.of(404, "no_service")
                        : HookServer.Answer.of(204, ""))) {
            Files.writeString(dir.resolve("slack.url"), hooks.uri("/services/T1/B2/gone").toString());
            Files.writeString(dir.resolve("hook.key"), "k3y");
            Path config = dir.resolve("vakt.yml");
            Files.writeString(config, AlertsConfigTest.BASE + """
                    alerts:
                      - type: webhook
                        name: pager
                        url: %s
                        secret-file: hook.key
                        min-severity: critical
                      - type: slack
                        name: ops-chat
                        webhook-url-file: slack.url
                      - type: command
                        program: /bin/true
                    """.formatted(hooks.uri("/vakt")));

            Cli r = Cli.run("alert", "test", "--config", config.toString(), "--timeout", "20s");

            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.out()).containsPattern("pager +webhook +delivered +1 attempt")
                    .containsPattern("ops-chat +slack +failed +1 attempt +HTTP 404 no_service \\(not retryable\\)")
                    .containsPattern("command-3 +command +delivered")
                    .contains("Some channels did not deliver");
            assertThat(hooks.requests()).filteredOn(x -> x.path().equals("/vakt")).as("min-severity is ignored by the test")
                    .hasSize(1);
            try (Journal j = new Journal(dir.resolve(".vakt/journal.db"), java.time.Clock.systemUTC())) {
                assertThat(j.history(20)).filteredOn(e -> e.kind() == EventKind.ALERT_DELIVERY).hasSize(3);
                assertThat(j.history(20)).filteredOn(e -> e.kind() == EventKind.ALERT).singleElement()
                        .satisfies(e -> assertThat(e.details().get("kind").asText()).isEqualTo("test"));
            }
        }
    }

    @Test
    void withoutChannelsItSaysSo() throws Exception {
        Path config = dir.resolve("vakt.yml");
        Files.writeString(config, AlertsConfigTest.BASE + "alerts: []\n");
        Cli r = Cli.run("alert", "test", "--config", config.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("No alert channels configured");
    }
}
