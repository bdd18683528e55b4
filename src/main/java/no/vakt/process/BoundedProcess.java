package no.vakt.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external program the one way Vakt does: an argument list (never a shell), a hard deadline
 * after which the whole process tree is killed, and its output kept within a bound. The output goes to
 * owner-only temporary files rather than pipes, so a child the program leaves running with its output
 * open can delay nothing, and the files are deleted before this returns. A stream of any size (a backup)
 * goes through a pipe the caller reads or writes while the program runs ({@link #start}); standard error
 * still goes to a file, so a program that fills it cannot block on a reader that waits for its output.
 * A pipe gives up one guarantee: a descendant that outlives the program (out of its tree) with the pipe open
 * holds the reader until it closes it; the tools streamed (mariadb-backup, mbstream, ssh) leave none.
 */
public final class BoundedProcess {
    /** Of each stream, at most this much of its start and of its end is kept: bounds memory, not the program. */
    public static final int KEEP_BYTES = 64 * 1024;
    /** How long a killed process gets to go away: SIGKILL ends it in milliseconds unless the kernel is stuck. */
    private static final long REAP_MILLIS = 5000;
    /** A read or write on a pipe does not wake for an interrupt: the watch looks for one this often. */
    private static final long WATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private BoundedProcess() {}

    /**
     * What to run.
     *
     * @param env added to this process's environment
     * @param stdin written to the program's standard input, then closed; null: the input is /dev/null
     * @param mergeStderr standard error joins standard output (one stream, in the order written)
     * @param stdinFile the program reads this file as its input (streams of any size); null: {@code stdin} applies
     * @param stdoutFile the program's whole output goes to this file, kept (a backup stream); null: bounded, then deleted
     * @param pipeStdin the caller writes the input while the program runs ({@link #start})
     * @param pipeStdout the caller reads the output while the program runs ({@link #start})
     */
    public record Request(List<String> argv, Map<String, String> env, byte[] stdin, boolean mergeStderr, Duration timeout,
            Path stdinFile, Path stdoutFile, boolean pipeStdin, boolean pipeStdout) {
        public Request {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
            if (pipeStdin && (stdin != null || stdinFile != null)) throw new IllegalArgumentException("one input: a pipe, bytes or a file");
            if (pipeStdout && (stdoutFile != null || mergeStderr)) {
                throw new IllegalArgumentException("a piped output is the program's standard output alone");
            }
        }

        public static Request of(List<String> argv, Duration timeout) {
            return new Request(argv, Map.of(), null, false, timeout, null, null, false, false);
        }

        public Request withEnv(Map<String, String> more) {
            return new Request(argv, more, stdin, mergeStderr, timeout, stdinFile, stdoutFile, pipeStdin, pipeStdout);
        }

        public Request withStdin(byte[] bytes) {
            return new Request(argv, env, bytes, mergeStderr, timeout, stdinFile, stdoutFile, pipeStdin, pipeStdout);
        }

        public Request mergingStderr() {
            return new Request(argv, env, stdin, true, timeout, stdinFile, stdoutFile, pipeStdin, pipeStdout);
        }

        public Request readingFrom(Path file) {
            return new Request(argv, env, null, mergeStderr, timeout, file, stdoutFile, pipeStdin, pipeStdout);
        }

        public Request writingTo(Path file) {
            return new Request(argv, env, stdin, mergeStderr, timeout, stdinFile, file, pipeStdin, pipeStdout);
        }

        /** The input is {@link Running#stdin}. */
        public Request pipingStdin() {
            return new Request(argv, env, stdin, mergeStderr, timeout, stdinFile, stdoutFile, true, pipeStdout);
        }

        /** The output is {@link Running#stdout}; the result's stdout is then empty. */
        public Request pipingStdout() {
            return new Request(argv, env, stdin, mergeStderr, timeout, stdinFile, stdoutFile, pipeStdin, true);
        }

        boolean pipes() {
            return pipeStdin || pipeStdout;
        }
    }

    /** How the run ended. */
    public sealed interface Result permits Finished, TimedOut, CouldNotStart {}

    /** It exited by itself within the deadline. */
    public record Finished(int exitCode, Output stdout, Output stderr) implements Result {}

    /** It was still running at the deadline and was killed with its descendants; what it wrote until then. */
    public record TimedOut(Output stdout, Output stderr) implements Result {}

    /** The program could not be started (missing, not executable): running it again will not help. */
    public record CouldNotStart(IOException cause) implements Result {}

    /** What a stream carried, bounded: its first and its last {@link #KEEP_BYTES} bytes, as UTF-8. */
    public record Output(String head, String tail) {
        static final Output EMPTY = new Output("", "");
    }

    /** What a pipe throws once the deadline has killed the program: the stream is cut, not ended. */
    public static final class DeadlinePassed extends IOException {
        DeadlinePassed(String message) {
            super(message);
        }
    }

    /**
     * Runs the request to its end or its deadline. On interruption the process tree is killed and the
     * interrupt is passed on.
     *
     * @throws IOException when the output files cannot be made or read (the program did or did not run)
     */
    public static Result run(Request request) throws IOException, InterruptedException {
        if (request.pipes()) throw new IllegalArgumentException("a piped request is started, not run");
        try (Running r = new Running(request)) {
            if (r.process != null && request.stdin() != null) feed(r.process, request.stdin());
            return r.finish();
        }
    }

    /**
     * Starts a request that pipes its input or output ({@link Request#pipingStdin}, {@link Request#pipingStdout}):
     * the caller writes and reads them while the program runs, then calls {@link Running#finish}. The deadline
     * holds meanwhile: when it passes, or when the starting thread is interrupted, the process tree is killed and
     * the pipes throw ({@link DeadlinePassed}, {@link InterruptedIOException}) rather than end or wait.
     */
    public static Running start(Request request) throws IOException {
        if (!request.pipes()) throw new IllegalArgumentException("nothing to pipe: run it");
        return new Running(request);
    }

    /**
     * A started program. Close it in every case (try-with-resources): what still runs is killed, process tree
     * included, and its temporary files are deleted. The pipes of a program that could not start throw;
     * {@link #finish} says why.
     */
    public static final class Running implements AutoCloseable {
        private enum Kill { DEADLINE, INTERRUPT, CLOSE }

        private final Request request;
        private final long started = System.nanoTime();
        private final Thread owner = Thread.currentThread();
        private final Path out;
        private final Path err;
        private final Process process;
        private final IOException notStarted;
        private final Thread watch;
        private volatile Kill killed;
        private Result result;

        private Running(Request request) throws IOException {
            this.request = request;
            boolean done = false;
            out = request.stdoutFile() != null || request.pipeStdout() ? null : Files.createTempFile("vakt-proc-", ".out");
            err = request.mergeStderr() ? null : Files.createTempFile("vakt-proc-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(request.argv());
                if (!request.pipeStdout()) pb.redirectOutput(out != null ? out.toFile() : request.stdoutFile().toFile());
                pb.environment().putAll(request.env());
                if (err == null) pb.redirectErrorStream(true);
                else pb.redirectError(err.toFile());
                if (request.stdinFile() != null) {
                    pb.redirectInput(request.stdinFile().toFile());
                } else if (request.stdin() == null && !request.pipeStdin()) {
                    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                }
                Process p = null;
                IOException failed = null;
                try {
                    p = pb.start();
                } catch (IOException e) {
                    failed = e;
                }
                process = p;
                notStarted = failed;
                watch = p != null && request.pipes() ? new Thread(this::watch, "vakt-process-deadline") : null;
                if (watch != null) {
                    watch.setDaemon(true);
                    watch.start();
                }
                done = true;
            } finally {
                if (!done) deleteFiles();
            }
        }

        private long remaining() {
            return started + request.timeout().toNanos() - System.nanoTime();
        }

        /** Kills at the deadline or at the owner's interrupt; ends when the program does or the handle closes. */
        private void watch() {
            try {
                while (!process.waitFor(Math.max(0, Math.min(remaining(), WATCH_NANOS)), TimeUnit.NANOSECONDS)) {
                    if (owner.isInterrupted()) {
                        kill(Kill.INTERRUPT);
                        return;
                    }
                    if (remaining() <= 0) {
                        kill(Kill.DEADLINE);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // close() ends the watch.
            }
        }

        /** Its standard output, while it runs (requires {@link Request#pipingStdout}). */
        public InputStream stdout() {
            if (!request.pipeStdout()) throw new IllegalStateException("the request does not pipe its output");
            return new InputStream() {
                private boolean ended;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (ended) return -1; // again, as streams do: finish() may have closed the pipe since
                    int n = pass(() -> process.getInputStream().read(b, off, len));
                    if (n < 0) cut(null); // a kill ends the pipe as an exit would
                    ended = n < 0;
                    return n;
                }

                @Override
                public void close() throws IOException {
                    if (process != null) process.getInputStream().close();
                }
            };
        }

        /** Its standard input, while it runs (requires {@link Request#pipingStdin}); {@link #finish} closes it. */
        public OutputStream stdin() {
            if (!request.pipeStdin()) throw new IllegalStateException("the request does not pipe its input");
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    pass(() -> {
                        process.getOutputStream().write(b, off, len);
                        return len;
                    });
                }

                @Override
                public void flush() throws IOException {
                    pass(() -> {
                        process.getOutputStream().flush();
                        return 0;
                    });
                }

                @Override
                public void close() throws IOException {
                    pass(() -> { // flushes: the last bytes may break the pipe
                        process.getOutputStream().close();
                        return 0;
                    });
                }
            };
        }

        private interface PipeCall {
            int call() throws IOException;
        }

        private int pass(PipeCall call) throws IOException {
            if (process == null) throw new IOException(request.argv().get(0) + " could not start", notStarted);
            cut(null);
            try {
                return call.call();
            } catch (IOException e) {
                cut(e);
                throw e;
            }
        }

        /** Throws when the tree was killed: what the pipe did then is not the program's doing. */
        private void cut(IOException cause) throws IOException {
            Kill k = killed;
            if (k == null) return;
            IOException e = switch (k) {
                case DEADLINE -> new DeadlinePassed(request.argv().get(0) + " did not finish within "
                        + request.timeout().toMillis() + " ms and was killed");
                case INTERRUPT -> new InterruptedIOException(request.argv().get(0) + " was killed: interrupted");
                case CLOSE -> new IOException(request.argv().get(0) + " was killed: closed");
            };
            if (cause != null) e.addSuppressed(cause);
            throw e;
        }

        /**
         * Closes the pipes (output not read to its end: the program sees a broken pipe), waits for the exit
         * within the deadline and says how it ended. On interruption the tree is killed and the interrupt passed on.
         */
        public Result finish() throws IOException, InterruptedException {
            if (result != null) return result;
            if (process == null) return result = new CouldNotStart(notStarted);
            if (request.pipeStdin()) closeQuietly(process.getOutputStream());
            if (request.pipeStdout()) closeQuietly(process.getInputStream());
            boolean exited;
            try {
                exited = process.waitFor(Math.max(0, remaining()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                kill(Kill.INTERRUPT);
                throw e;
            }
            if (killed == Kill.INTERRUPT) {
                Thread.interrupted(); // passed on as the exception, as waitFor does
                throw new InterruptedException(request.argv().get(0) + " was killed: interrupted");
            }
            if (!exited || killed == Kill.DEADLINE) {
                kill(Kill.DEADLINE);
                return result = new TimedOut(read(out), read(err));
            }
            return result = new Finished(process.exitValue(), read(out), read(err));
        }

        private void kill(Kill why) {
            synchronized (this) {
                if (killed == null && process.isAlive()) killed = why;
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(REAP_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            if (watch != null) watch.interrupt();
            if (process != null && process.isAlive()) kill(Kill.CLOSE);
            if (process != null) {
                closeQuietly(process.getOutputStream());
                closeQuietly(process.getInputStream());
            }
            deleteFiles();
        }

        private void deleteFiles() {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /**
     * Writes the input on a thread of its own: a program that never reads it would block a write larger than
     * the pipe's buffer, and the deadline must hold all the same. The kill at the deadline ends the write.
     */
    private static void feed(Process p, byte[] bytes) {
        Thread feeder = new Thread(() -> {
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write(bytes);
            } catch (IOException e) {
                // The program may not read its input at all: that is its choice.
            }
        }, "vakt-process-stdin");
        feeder.setDaemon(true);
        feeder.start();
    }

    private static Output read(Path file) throws IOException {
        if (file == null) return Output.EMPTY;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            byte[] head = new byte[(int) Math.min(size, KEEP_BYTES)];
            f.readFully(head);
            if (size <= KEEP_BYTES) {
                String all = new String(head, StandardCharsets.UTF_8);
                return new Output(all, all);
            }
            byte[] tail = new byte[KEEP_BYTES];
            f.seek(size - KEEP_BYTES);
            f.readFully(tail);
            return new Output(new String(head, StandardCharsets.UTF_8), new String(tail, StandardCharsets.UTF_8));
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // The program's end of the pipe is gone already.
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover temporary file is harmless.
        }
    }
}
