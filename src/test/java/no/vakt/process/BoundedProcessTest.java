package no.vakt.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one runner of external programs, with real programs: each way a run can end. */
class BoundedProcessTest {
    private static final Duration LONG = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private static BoundedProcess.Result sh(String script, Duration timeout) throws Exception {
        return BoundedProcess.run(BoundedProcess.Request.of(List.of("sh", "-c", script), timeout));
    }

    @Test
    void finishedKeepsTheExitCodeAndBothStreamsApartUnlessMerged() throws Exception {
        var r = (BoundedProcess.Finished) sh("echo out; echo err >&2; exit 3", LONG);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout().tail()).isEqualTo("out\n");
        assertThat(r.stderr().tail()).isEqualTo("err\n");

        var merged = (BoundedProcess.Finished) BoundedProcess.run(
                BoundedProcess.Request.of(List.of("sh", "-c", "echo a; echo b >&2"), LONG).mergingStderr());
        assertThat(merged.stdout().tail()).isEqualTo("a\nb\n");
        assertThat(merged.stderr().tail()).isEmpty();
    }

    @Test
    void stdinAndEnvironmentReachTheProgramAndWithoutStdinItReadsEndOfFile() throws Exception {
        var fed = (BoundedProcess.Finished) BoundedProcess.run(BoundedProcess.Request.of(
                List.of("sh", "-c", "printf '%s:' \"$VAKT_X\"; cat"), LONG)
                .withEnv(Map.of("VAKT_X", "x y")).withStdin("from stdin".getBytes(StandardCharsets.UTF_8)));
        assertThat(fed.stdout().tail()).isEqualTo("x y:from stdin");

        // Without input the program must not wait for any: /dev/null, not an open pipe.
        var empty = (BoundedProcess.Finished) sh("cat; echo done", LONG);
        assertThat(empty.stdout().tail()).isEqualTo("done\n");
    }

    @Test
    void aStreamLargerThanWhatIsKeptGoesWholeFromAFileToAFileThatStays() throws Exception {
        byte[] big = new byte[3 * BoundedProcess.KEEP_BYTES];
        java.util.Arrays.fill(big, (byte) 'v');
        Path in = Files.write(tmp.resolve("in"), big);
        Path out = tmp.resolve("out");
        var r = (BoundedProcess.Finished) BoundedProcess.run(BoundedProcess.Request.of(List.of("cat"), LONG)
                .readingFrom(in).writingTo(out));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout().tail()).isEmpty();
        assertThat(Files.readAllBytes(out)).isEqualTo(big);
    }

    @Test
    void aLongOutputKeepsItsStartAndItsEndWithinTheBound() throws Exception {
        var r = (BoundedProcess.Finished) sh("echo FIRST; head -c 300000 /dev/zero | tr '\\0' x; echo; echo LAST", LONG);
        assertThat(r.stdout().head()).startsWith("FIRST\n").hasSize(BoundedProcess.KEEP_BYTES);
        assertThat(r.stdout().tail()).endsWith("\nLAST\n").hasSize(BoundedProcess.KEEP_BYTES);
    }

    @Test
    void atTheDeadlineTheWholeTreeIsKilledAndWhatItWroteIsKept() throws Exception {
        Path pid = tmp.resolve("child.pid");
        long start = System.nanoTime();
        var r = sh("echo started; sleep 60 & echo $! > " + pid + "; wait", Duration.ofMillis(500));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(r).isInstanceOf(BoundedProcess.TimedOut.class);
        assertThat(((BoundedProcess.TimedOut) r).stdout().tail()).isEqualTo("started\n");
        long child = Long.parseLong(Files.readString(pid).strip());
        // SIGKILL is sent before run() returns; the child is gone once init has reaped it, a moment later.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).as("the sleep child").isFalse());
    }

    @Test
    void aProgramThatNeverReadsItsInputStillEndsAtTheDeadline() throws Exception {
        byte[] input = new byte[4 << 20]; // far more than a pipe's 64 KiB buffer
        long start = System.nanoTime();
        var r = BoundedProcess.run(BoundedProcess.Request.of(List.of("sleep", "30"), Duration.ofMillis(300)).withStdin(input));
        assertThat(r).isInstanceOf(BoundedProcess.TimedOut.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aStreamedOutputIsReadWhileTheProgramRunsAndItsExitIsTypedAtTheEnd() throws Exception {
        var request = BoundedProcess.Request.of(List.of("sh", "-c", "echo first; read line; head -c 3000000 /dev/zero; echo err >&2; exit 3"), LONG);
        try (var r = BoundedProcess.start(request.pipingStdout().pipingStdin())) {
            InputStream out = r.stdout();
            // The program waits for its input until the caller has read its first line: no file in between.
            assertThat(new String(out.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("first\n");
            r.stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
            r.stdin().flush();
            assertThat(out.transferTo(OutputStream.nullOutputStream())).isEqualTo(3_000_000);
            var f = (BoundedProcess.Finished) r.finish();
            assertThat(f.exitCode()).isEqualTo(3);
            assertThat(f.stderr().tail()).isEqualTo("err\n");
            assertThat(f.stdout().tail()).as("the caller had it").isEmpty();
            assertThat(out.read()).as("the end, again, after finish").isEqualTo(-1);
        }
        try (var r = BoundedProcess.start(BoundedProcess.Request.of(List.of("wc", "-c"), LONG).pipingStdin())) {
            r.stdin().write(new byte[5 << 20]);
            var f = (BoundedProcess.Finished) r.finish();
            assertThat(f.stdout().tail().strip()).isEqualTo(Integer.toString(5 << 20));
        }
    }

    @Test
    void theDeadlineCutsAReaderOfAProgramThatWritesForeverOrNeverAndAWriterToOneThatNeverReads() throws Exception {
        for (List<String> argv : List.of(List.of("yes"), List.of("sleep", "60"))) {
            long start = System.nanoTime();
            try (var r = BoundedProcess.start(BoundedProcess.Request.of(argv, Duration.ofMillis(500)).pipingStdout())) {
                assertThatThrownBy(() -> r.stdout().transferTo(OutputStream.nullOutputStream())).as(argv.get(0))
                        .isInstanceOf(BoundedProcess.DeadlinePassed.class);
                assertThat(r.finish()).isInstanceOf(BoundedProcess.TimedOut.class);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        try (var r = BoundedProcess.start(BoundedProcess.Request.of(List.of("sleep", "60"), Duration.ofMillis(500)).pipingStdin())) {
            assertThatThrownBy(() -> r.stdin().write(new byte[4 << 20])).isInstanceOf(BoundedProcess.DeadlinePassed.class);
            assertThat(r.finish()).isInstanceOf(BoundedProcess.TimedOut.class);
        }
    }

    @Test
    void aConsumerThatThrowsOrIsInterruptedLeavesNoProcessAndNoWatch() throws Exception {
        Path pid = tmp.resolve("child.pid");
        var request = BoundedProcess.Request.of(List.of("sh", "-c", "sleep 60 & echo $! > " + pid + "; yes"), LONG).pipingStdout();
        assertThatThrownBy(() -> {
            try (var r = BoundedProcess.start(request)) {
                r.stdout().readNBytes(100_000);
                throw new IllegalStateException("the consumer gives up");
            }
        }).hasMessage("the consumer gives up");
        long child = Long.parseLong(Files.readString(pid).strip());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).as("the sleep child").isFalse());

        // Blocked in a read that an interrupt does not wake: the watch sees the interrupt and kills.
        Path sleeper = tmp.resolve("sleeper.pid");
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            var quiet = BoundedProcess.Request.of(List.of("sh", "-c", "echo $$ > " + sleeper + "; exec sleep 60"), LONG);
            try (var r = BoundedProcess.start(quiet.pipingStdout())) {
                r.stdout().read();
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        reader.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(sleeper) && Files.size(sleeper) > 0 && hasWatch());
        reader.interrupt();
        assertThat(thrown.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
        long killed = Long.parseLong(Files.readString(sleeper).strip());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false)).as("the interrupted reader's program").isFalse());
        await().atMost(Duration.ofSeconds(5)).until(() -> !hasWatch());
    }

    @Test
    void aProgramThatCannotStartHasPipesThatThrowAndSaysSoAtTheEnd() throws Exception {
        try (var r = BoundedProcess.start(BoundedProcess.Request.of(List.of(tmp.resolve("nope").toString()), LONG).pipingStdout())) {
            assertThatThrownBy(() -> r.stdout().read()).isInstanceOf(IOException.class).hasMessageContaining("could not start");
            assertThat(r.finish()).isInstanceOf(BoundedProcess.CouldNotStart.class);
        }
    }

    private static boolean hasWatch() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("vakt-process-deadline"));
    }

    @Test
    void aMissingProgramCouldNotStartAndRequireNamesThePackage() throws Exception {
        var r = BoundedProcess.run(BoundedProcess.Request.of(List.of(tmp.resolve("nope").toString()), LONG));
        assertThat(r).isInstanceOf(BoundedProcess.CouldNotStart.class);

        assertThat(Programs.find("sh")).isPresent();
        assertThatThrownBy(() -> Programs.require("vakt-no-such-tool", "vakt-tools"))
                .isInstanceOf(Programs.MissingProgramException.class)
                .hasMessage("vakt-no-such-tool is not installed (on Debian: apt-get install vakt-tools)");
    }
}
