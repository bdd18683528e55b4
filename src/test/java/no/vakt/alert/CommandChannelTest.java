package no.vakt.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import no.vakt.cluster.Severity;
import no.vakt.config.CommandChannelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command channel running real programs: a script standing in for an SMS gateway's CLI. */
class CommandChannelTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path tmp;

    private Path script(String body) throws Exception {
        Path p = tmp.resolve("sms-gateway");
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static Alert alert() {
        return new Alert(Severity.CRITICAL, "shop", "primary oslo-db down", "it's \"gone\"; $(rm -rf /) `x` | y",
                "approve with: vakt promote --confirm", AlertKind.APPROVAL_NEEDED, "oslo-db", "https://vakt.example.no/#approve");
    }

    @Test
    void placeholdersBecomeSingleArgumentsTheEnvironmentAndStdinCarryTheAlert() throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Path gw = script("""
                i=0
                for a in "$@"; do i=$((i+1)); printf '%s' "$a" > "$OUT/arg$i"; done
                printf '%s' "$VAKT_ALERT_SEVERITY|$VAKT_ALERT_KIND|$VAKT_ALERT_NODE|$VAKT_ALERT_LINK" > "$OUT/env"
                cat > "$OUT/stdin"
                """.replace("$OUT", out.toString()));
        CommandChannel c = new CommandChannel("sms", new CommandChannelConfig("sms", null, gw.toString(),
                List.of("--to", "+4799999999", "{text}", "{evidence}"), Duration.ofSeconds(10)));

        c.deliver(alert(), "d-1", T0);

        assertThat(Files.readString(out.resolve("arg1"))).isEqualTo("--to");
        assertThat(Files.readString(out.resolve("arg3")))
                .isEqualTo("[CRITICAL] shop: primary oslo-db down | approve with: vakt promote --confirm");
        assertThat(Files.readString(out.resolve("arg4"))).as("no shell: quotes and $() arrive as they are")
                .isEqualTo("it's \"gone\"; $(rm -rf /) `x` | y");
        assertThat(Files.exists(out.resolve("arg5"))).isFalse();
        assertThat(Files.readString(out.resolve("env"))).isEqualTo("CRITICAL|approval-needed|oslo-db|https://vakt.example.no/#approve");
        JsonNode stdin = new ObjectMapper().readTree(out.resolve("stdin").toFile());
        assertThat(stdin.get("id").asText()).isEqualTo("d-1");
        assertThat(stdin.get("event").asText()).isEqualTo("primary oslo-db down");
    }

    @Test
    void aFailingExitIsRetryableWithItsOutputAndAMissingProgramIsNot() throws Exception {
        Path gw = script("echo 'gateway: quota exceeded' >&2\nexit 3\n");
        CommandChannel c = new CommandChannel("sms", new CommandChannelConfig("sms", null, gw.toString(), List.of(), null));
        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> c.deliver(alert(), "d", T0));
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).endsWith("exited with 3: gateway: quota exceeded");

        CommandChannel missing = new CommandChannel("sms", new CommandChannelConfig("sms", null,
                tmp.resolve("no-such-program").toString(), List.of(), null));
        DeliveryException m = catchThrowableOfType(DeliveryException.class, () -> missing.deliver(alert(), "d", T0));
        assertThat(m.retryable()).isFalse();
        assertThat(m.getMessage()).startsWith("cannot run");
    }

    @Test
    void aHangingProgramIsKilledAtTheTimeoutWithItsChildren() throws Exception {
        Path pidFile = tmp.resolve("child.pid");
        Path gw = script("sleep 60 &\necho $! > " + pidFile + "\nwait\n");
        CommandChannel c = new CommandChannel("sms", new CommandChannelConfig("sms", null, gw.toString(), List.of(),
                Duration.ofMillis(1500)));
        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> c.deliver(alert(), "d", T0));
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("did not finish within 1500ms; killed");
        long child = Long.parseLong(Files.readString(pidFile).trim());
        await("the child sleep was killed").atMost(Duration.ofSeconds(5)).until(() -> !running(child));
    }

    /** Gone, or a zombie waiting for its (new) parent to reap it: either way it runs no more. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
