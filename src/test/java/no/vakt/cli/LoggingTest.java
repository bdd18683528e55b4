package no.vakt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code --log-format text|json}: one dated event a line, to stdout when $VAKT_LOG_TARGET=stdout; no secrets. */
class LoggingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream realOut = System.out;
    private final PrintStream realErr = System.err;

    @AfterEach
    void restore() {
        System.setOut(realOut);
        System.setErr(realErr);
        System.clearProperty("VAKT_LOG_LEVEL");
        Logging.configure(Logging.Format.TEXT, Map.of());
    }

    @Test
    void jsonIsOneObjectAnEventWithTheStackTraceInside() throws Exception {
        ByteArrayOutputStream out = capture(true);
        Logging.configure(Logging.Format.JSON, Map.of("VAKT_LOG_TARGET", "stdout"));
        LoggerFactory.getLogger("no.vakt.test").warn("two\nlines", new IllegalStateException("boom"));

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode event = JSON.readTree(lines.get(0));
        assertThat(event.get("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*");
        assertThat(event.get("level").asText()).isEqualTo("WARN");
        assertThat(event.get("message").asText()).isEqualTo("two\nlines");
        assertThat(event.get("stack_trace").asText()).contains("IllegalStateException: boom");
    }

    @Test
    void textIsOneDatedLineAnEventEvenWithAStackTrace() {
        ByteArrayOutputStream out = capture(true);
        Logging.configure(Logging.Format.TEXT, Map.of("VAKT_LOG_TARGET", "stdout"));
        LoggerFactory.getLogger("no.vakt.test").warn("two\nlines", new IllegalStateException("boom"));

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) WARN .*")
                .contains("two lines").contains("IllegalStateException: boom");
    }

    @Test
    void withoutATargetLogsGoToStderrAndStdoutStaysClean() {
        ByteArrayOutputStream out = capture(true);
        ByteArrayOutputStream err = capture(false);
        Logging.configure(Logging.Format.JSON, Map.of());
        LoggerFactory.getLogger("no.vakt.test").warn("to stderr");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("\"message\":\"to stderr\"");
    }

    @Test
    void anUnknownFormatIsAUsageErrorAndAnySubcommandTakesTheOption() {
        Cli bad = Cli.run("--log-format", "xml", "status", "--help");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--log-format").contains("text").contains("json");
        assertThat(Cli.run("status", "--log-format", "json", "--help").exitCode()).isZero();
    }

    /** Everything the run logs, at DEBUG, in both formats: the passwords appear in none of it. */
    @Test
    void noSecretInTheLogsOfARunInEitherFormat() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            String admin = Files.readString(pair.configFile.getParent().resolve("secrets/admin.password")).trim();
            String repl = Files.readString(pair.configFile.getParent().resolve("secrets/replication.password")).trim();
            System.setProperty("VAKT_LOG_LEVEL", "DEBUG");
            for (String format : List.of("json", "text")) {
                ByteArrayOutputStream err = capture(false);
                Logging.configure(Logging.Format.TEXT, Map.of("VAKT_LOG_TARGET", "stdout")); // so the next one reconfigures
                Cli r = Cli.run("--log-format", format, "run", "--config", pair.configFile.toString(), "--duration", "3s");
                String logs = err.toString(StandardCharsets.UTF_8);
                assertThat(r.exitCode()).as(r.out() + r.err() + logs).isZero();
                assertThat(logs).as(format).isNotBlank();
                for (String text : List.of(logs, r.out(), r.err())) {
                    assertThat(text).as(format).doesNotContain(admin).doesNotContain(repl);
                }
                if (format.equals("json")) {
                    for (String line : logs.lines().toList()) assertThat(JSON.readTree(line).has("@timestamp")).as(line).isTrue();
                }
            }
        }
    }

    private ByteArrayOutputStream capture(boolean stdout) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        if (stdout) System.setOut(stream); else System.setErr(stream);
        return bytes;
    }
}
