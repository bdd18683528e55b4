package no.vakt.process;

import java.io.File;
import java.io.IOException;
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
 * open can delay nothing, and the files are deleted before this returns.
 */
public final class BoundedProcess {
    /** Of each stream, at most this much of its start and of its end is kept: bounds memory, not the program. */
    public static final int KEEP_BYTES = 64 * 1024;
    /** How long a killed process gets to go away: SIGKILL ends it in milliseconds unless the kernel is stuck. */
    private static final long REAP_MILLIS = 5000;

    private BoundedProcess() {}

    /**
     * What to run.
     *
     * @param env added to this process's environment
     * @param stdin written to the program's standard input, then closed; null: the input is /dev/null
     * @param mergeStderr standard error joins standard output (one stream, in the order written)
     * @param stdinFile the program reads this file as its input (streams of any size); null: {@code stdin} applies
     * @param stdoutFile the program's whole output goes to this file, kept (a backup stream); null: bounded, then deleted
     */
    public record Request(List<String> argv, Map<String, String> env, byte[] stdin, boolean mergeStderr, Duration timeout,
            Path stdinFile, Path stdoutFile) {
        public Request {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
        }

        public static Request of(List<String> argv, Duration timeout) {
            return new Request(argv, Map.of(), null, false, timeout, null, null);
        }

        public Request withEnv(Map<String, String> more) {
            return new Request(argv, more, stdin, mergeStderr, timeout, stdinFile, stdoutFile);
        }

        public Request withStdin(byte[] bytes) {
            return new Request(argv, env, bytes, mergeStderr, timeout, stdinFile, stdoutFile);
        }

        public Request mergingStderr() {
            return new Request(argv, env, stdin, true, timeout, stdinFile, stdoutFile);
        }

        public Request readingFrom(Path file) {
            return new Request(argv, env, null, mergeStderr, timeout, file, stdoutFile);
        }

        public Request writingTo(Path file) {
            return new Request(argv, env, stdin, mergeStderr, timeout, stdinFile, file);
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

    /**
     * Runs the request to its end or its deadline. On interruption the process tree is killed and the
     * interrupt is passed on.
     *
     * @throws IOException when the output files cannot be made or read (the program did or did not run)
     */
    public static Result run(Request request) throws IOException, InterruptedException {
        Path out = request.stdoutFile() != null ? null : Files.createTempFile("vakt-proc-", ".out");
        Path err = null;
        try {
            ProcessBuilder pb = new ProcessBuilder(request.argv())
                    .redirectOutput(out != null ? out.toFile() : request.stdoutFile().toFile());
            pb.environment().putAll(request.env());
            if (request.mergeStderr()) {
                pb.redirectErrorStream(true);
            } else {
                err = Files.createTempFile("vakt-proc-", ".err");
                pb.redirectError(err.toFile());
            }
            if (request.stdinFile() != null) {
                pb.redirectInput(request.stdinFile().toFile());
            } else if (request.stdin() == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return new CouldNotStart(e);
            }
            boolean finished;
            try {
                if (request.stdin() != null) feed(p, request.stdin());
                finished = p.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(p);
                throw e;
            }
            if (!finished) {
                kill(p);
                return new TimedOut(read(out), read(err));
            }
            return new Finished(p.exitValue(), read(out), read(err));
        } finally {
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

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(REAP_MILLIS, TimeUnit.MILLISECONDS);
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

    private static void deleteQuietly(Path file) {
        if (file == null) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover temporary file is harmless.
        }
    }
}
