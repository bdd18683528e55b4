package no.vakt.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.testing.ManualClock;
import no.vakt.traffic.TrafficProvider.ApplyOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command provider running real programs: small /bin/sh scripts the test writes stand for the operator's
 * tool (Vakt itself starts them with an argument list, never through a shell).
 */
class CommandTrafficTest {
    @TempDir
    Path dir;

    Path state;
    Path calls;
    Path exitCode;
    Path switchScript;
    Path showScript;
    Path verifyScript;

    @BeforeEach
    void scripts() throws Exception {
        state = dir.resolve("state");
        calls = dir.resolve("calls");
        exitCode = dir.resolve("exit-code");
        Files.writeString(state, "10.0.0.1\n");
        Files.writeString(exitCode, "0");
        // records each call (one argument per line, then the VAKT_* environment), then does what exit-code says
        switchScript = script("switch.sh", """
                #!/bin/sh
                { echo "call"; for a in "$@"; do echo "arg:$a"; done; echo "env:$VAKT_NODE $VAKT_ADDRESS $VAKT_EPOCH $VAKT_CLUSTER"; } >> %s
                code=$(cat %s)
                if [ "$code" = "sleep" ]; then sleep 30; fi
                if [ "$code" != "0" ]; then
                  echo "progress: contacting the balancer" >&2
                  echo "error: api_key=abc123def456 was refused (Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x)" >&2
                  exit "$code"
                fi
                echo "$2" > %s
                """.formatted(calls, exitCode, state));
        showScript = script("show.sh", "#!/bin/sh\ncat " + state + "\n");
        verifyScript = script("verify.sh", "#!/bin/sh\n[ \"$(cat " + state + ")\" = \"$1\" ]\n");
    }

    private Path script(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private TrafficProvider open(String extra) throws Exception {
        VaktConfig c = TrafficTestConfig.load(dir, """
                  - type: command
                    command: [%s, --to, "{address}", "--epoch={epoch}", "{node}@{cluster}"]
                    targets: {oslo-db: 10.0.0.1, bergen-db: "10.0.0.2; touch %s"}
                    timeout: 2s
                %s""".formatted(switchScript, dir.resolve("pwned"), extra));
        return TrafficEntry.of(c.traffic().get(0)).open(c);
    }

    private long callCount() throws Exception {
        return Files.exists(calls) ? Files.readAllLines(calls).stream().filter("call"::equals).count() : 0;
    }

    @Test
    void runsTheProgramWithEachPlaceholderSubstitutedInItsOwnArgument() throws Exception {
        TrafficProvider p = open("");
        assertThat(p.describe()).isEqualTo("command switch.sh");
        assertThat(p.apply("bergen-db", 12)).isEqualTo(ApplyOutcome.CHANGED);
        assertThat(Files.readAllLines(calls)).containsExactly(
                "call", "arg:--to", "arg:10.0.0.2; touch " + dir.resolve("pwned"), "arg:--epoch=12", "arg:bergen-db@shop",
                "env:bergen-db 10.0.0.2; touch " + dir.resolve("pwned") + " 12 shop");
        // the value with a ';' stayed one argument: no shell ever saw it
        assertThat(dir.resolve("pwned")).doesNotExist();
        // without a show-command Vakt cannot know, so it runs the (idempotent) command again
        assertThat(p.apply("bergen-db", 12)).isEqualTo(ApplyOutcome.CHANGED);
        assertThat(callCount()).isEqualTo(2);
        assertThat(p.verify("bergen-db", Duration.ofSeconds(1))).isEqualTo(Duration.ZERO);
        TrafficException noShow = catchThrowableOfType(p::show, TrafficException.class);
        assertThat(noShow.retryable()).isFalse();
        assertThat(noShow.getMessage()).contains("no show-command configured");
    }

    @Test
    void withAShowCommandReApplyingIsANoOpAndVerifyUsesTheVerifyCommand() throws Exception {
        TrafficProvider p = open("""
                    show-command: [%s]
                    verify-command: [%s, "{address}"]
                """.formatted(showScript, verifyScript));
        assertThat(p.show()).isEqualTo(new TrafficProvider.PointsAt(List.of("10.0.0.1"), "oslo-db", null));
        assertThat(p.apply("oslo-db", 1)).isEqualTo(ApplyOutcome.UNCHANGED);
        assertThat(callCount()).isZero();

        assertThat(p.apply("bergen-db", 2)).isEqualTo(ApplyOutcome.CHANGED);
        assertThat(p.show().node()).isEqualTo("bergen-db");
        assertThat(p.verify("bergen-db", Duration.ofSeconds(5))).isLessThan(Duration.ofSeconds(5));
        assertThat(p.apply("bergen-db", 2)).isEqualTo(ApplyOutcome.UNCHANGED);
        assertThat(callCount()).isEqualTo(1);
        p.checkAccess();
    }

    @Test
    void verifyGivesUpAfterItsBound() throws Exception {
        VaktConfig c = TrafficTestConfig.load(dir, """
                  - type: command
                    command: [%s, --to, "{address}"]
                    verify-command: [%s, "{address}"]
                    targets: {oslo-db: 10.0.0.1, bergen-db: 10.0.0.2}
                """.formatted(switchScript, verifyScript));
        CommandEntry entry = (CommandEntry) c.traffic().get(0);
        // Moves only when the poll pauses: the time bound costs no real time.
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        CommandProvider p = new CommandProvider(entry, EntryTargets.of("cmd", entry.targets()), "shop", clock, clock::advance);
        TrafficException e = catchThrowableOfType(() -> p.verify("bergen-db", Duration.ofSeconds(3)), TrafficException.class);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("not visible within 3 s");
        assertThat(p.verify("oslo-db", Duration.ofSeconds(3))).isEqualTo(Duration.ZERO);
    }

    @Test
    void aFailingProgramFailsWithItsScrubbedStderrAndOnlyListedCodesAreRetryable() throws Exception {
        TrafficProvider p = open("");
        Files.writeString(exitCode, "3");
        TrafficException hard = catchThrowableOfType(() -> p.apply("bergen-db", 1), TrafficException.class);
        assertThat(hard.retryable()).isFalse();
        assertThat(hard.getMessage())
                .contains("exited with 3")
                .contains("progress: contacting the balancer | error: api_key=[redacted] was refused")
                .contains("(Authorization: [redacted]")
                .doesNotContain("abc123def456").doesNotContain("eyJhbGci");

        Files.writeString(exitCode, "75");
        TrafficException soft = catchThrowableOfType(() -> p.apply("bergen-db", 1), TrafficException.class);
        assertThat(soft.retryable()).isTrue();
        assertThat(soft.getMessage()).contains("exited with 75 (retryable)");
    }

    @Test
    void aHangingProgramIsKilledAtTheTimeoutAndIsRetryable() throws Exception {
        TrafficProvider p = open("");
        Files.writeString(exitCode, "sleep");
        long start = System.nanoTime();
        TrafficException e = catchThrowableOfType(() -> p.apply("bergen-db", 1), TrafficException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("did not finish within 2 s and was killed");
    }

    @Test
    void aMissingProgramFailsAtOnce() throws Exception {
        VaktConfig c = TrafficTestConfig.load(dir, """
                  - type: command
                    command: [%s, "{address}"]
                """.formatted(dir.resolve("no-such-program")));
        TrafficProvider p = TrafficEntry.of(c.traffic().get(0)).open(c);
        TrafficException check = catchThrowableOfType(p::checkAccess, TrafficException.class);
        assertThat(check.retryable()).isFalse();
        assertThat(check.getMessage()).contains("no-such-program is not an executable file");
        TrafficException apply = catchThrowableOfType(() -> p.apply("oslo-db", 1), TrafficException.class);
        assertThat(apply.retryable()).isFalse();
        assertThat(apply.getMessage()).contains("cannot start command");
    }
}
