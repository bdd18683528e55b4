package no.vakt.traffic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one program with an argument list (no shell), bounded in time and in captured output. */
final class CommandRunner {
    // 64 KiB of each stream is kept (its end); the scrubber keeps far less, this only bounds memory.
    private static final int KEEP_BYTES = 64 * 1024;

    record Result(int exitCode, String stdout, String stderr, boolean timedOut) {}

    private CommandRunner() {}

    static Result run(List<String> argv, Map<String, String> extraEnv, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        Capture out = new Capture(p.getInputStream());
        Capture err = new Capture(p.getErrorStream());
        out.start();
        err.start();
        boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        // A child that inherited the pipes may keep them open: do not wait for the readers forever.
        out.join(2000);
        err.join(2000);
        return new Result(finished ? p.exitValue() : -1, out.text(), err.text(), !finished);
    }

    private static final class Capture extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Capture(InputStream in) {
            this.in = in;
            setDaemon(true);
            setName("vakt-command-output");
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    synchronized (kept) {
                        kept.write(buf, 0, n);
                        if (kept.size() > 2 * KEEP_BYTES) {
                            byte[] all = kept.toByteArray();
                            kept.reset();
                            kept.write(all, all.length - KEEP_BYTES, KEEP_BYTES);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process went away; what was read is kept
            }
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
