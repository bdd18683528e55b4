package no.vakt.filesync;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The sender's end of one receiver session: an {@code ssh} process running the receiver on the target.
 * {@link #exchange} writes a run of operations and reads their acknowledgements; a watchdog kills the
 * session when the answers do not come in time, so a hung peer costs a reconnect, never a stuck sync.
 * Not thread-safe: one pusher thread owns it.
 */
final class ReceiverClient implements Closeable {
    /** Bounded so the receiver's acknowledgements never fill the pipe while the sender is still writing. */
    static final int MAX_OPS_PER_EXCHANGE = 512;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vakt-filesync-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Process process;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final StderrTail stderr;
    private final Duration timeout;

    private ReceiverClient(Process process, StderrTail stderr, Duration timeout) {
        this.process = process;
        this.stderr = stderr;
        this.timeout = timeout;
        this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
    }

    /**
     * Starts {@code argv} (ssh ... receiver DIR) and waits for the receiver's hello.
     *
     * @param startTimeout connecting plus the receiver's JVM start
     * @param timeout per exchange, beyond which the session is killed
     */
    static ReceiverClient start(List<String> argv, Duration startTimeout, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        Process p = pb.start();
        StderrTail tail = StderrTail.follow(p.getErrorStream());
        ReceiverClient c = new ReceiverClient(p, tail, timeout);
        ScheduledFuture<?> dog = c.watch(startTimeout);
        try {
            int magic = c.in.readInt();
            int version = c.in.readInt();
            if (magic != Wire.MAGIC || version != Wire.VERSION) {
                throw new IOException("the target did not answer as a Vakt receiver (version " + version + ")");
            }
        } catch (IOException e) {
            c.closeAndWait();
            throw new IOException("receiver did not start: " + c.why(e), e);
        } finally {
            dog.cancel(false);
        }
        return c;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Sends {@code ops} (at most {@link #MAX_OPS_PER_EXCHANGE}) and returns one acknowledgement per op. */
    List<Op.Ack> exchange(List<? extends Op> ops) throws IOException {
        if (ops.size() > MAX_OPS_PER_EXCHANGE) throw new IllegalArgumentException("too many operations: " + ops.size());
        ScheduledFuture<?> dog = watch(timeout);
        try {
            boolean[] complete = new boolean[ops.size()];
            for (int i = 0; i < ops.size(); i++) complete[i] = write(ops.get(i));
            out.flush();
            List<Op.Ack> acks = new ArrayList<>(ops.size());
            for (int i = 0; i < ops.size(); i++) {
                byte status = in.readByte();
                long value = in.readLong();
                String error = status == Wire.OK ? null : in.readUTF();
                Op.Status s = switch (status) {
                    case Wire.OK -> complete[i] ? Op.Status.OK : Op.Status.CHANGED;
                    case Wire.REPLACE -> Op.Status.REPLACE;
                    default -> Op.Status.FAILED;
                };
                acks.add(new Op.Ack(s, value, error));
            }
            return acks;
        } catch (IOException e) {
            closeAndWait();
            throw new IOException("receiver session lost: " + why(e), e);
        } finally {
            dog.cancel(false);
        }
    }

    /** Writes {@code op}; false when a file's body was not what it was stat'ed as (the receiver discards it). */
    private boolean write(Op op) throws IOException {
        if (op instanceof Op.PutFile f) {
            out.writeByte(Wire.FILE);
            out.writeUTF(f.path());
            out.writeInt(f.mode());
            out.writeLong(f.mtimeNanos());
            out.writeInt(f.uid());
            out.writeInt(f.gid());
            out.writeLong(f.length());
            boolean complete = streamBody(f);
            out.writeBoolean(complete);
            return complete;
        } else if (op instanceof Op.MakeDir d) {
            out.writeByte(Wire.DIR);
            out.writeUTF(d.path());
            out.writeInt(d.mode());
            out.writeLong(d.mtimeNanos());
            out.writeInt(d.uid());
            out.writeInt(d.gid());
        } else if (op instanceof Op.PutLink l) {
            out.writeByte(Wire.LINK);
            out.writeUTF(l.path());
            out.writeUTF(l.linkTarget());
            out.writeInt(l.uid());
            out.writeInt(l.gid());
        } else if (op instanceof Op.Count c) {
            out.writeByte(Wire.COUNT);
            out.writeUTF(c.path());
        } else if (op instanceof Op.Remove r) {
            out.writeByte(Wire.REMOVE);
            out.writeUTF(r.path());
        }
        return true;
    }

    /**
     * Copies exactly {@code length} bytes of the file through a small buffer, so no file is ever whole in
     * memory. A file that vanished, shrank or grew since it was stat'ed is padded or cut to the announced
     * length and reported incomplete: the receiver drops it and its next event sends it again.
     */
    private boolean streamBody(Op.PutFile f) throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = f.length();
        boolean complete = true;
        InputStream src = null;
        try {
            src = java.nio.file.Files.newInputStream(f.local());
        } catch (IOException e) {
            complete = false; // gone or unreadable since it was stat'ed: padded below
        }
        try {
            while (src != null && left > 0) {
                int n;
                try {
                    n = src.read(buf, 0, (int) Math.min(buf.length, left));
                } catch (IOException e) {
                    n = -1; // it became a directory, an I/O error: padded below, not sent as complete
                    complete = false;
                }
                if (n < 0) break;
                out.write(buf, 0, n); // a failure here is the session's: it propagates
                left -= n;
            }
            if (src != null && left == 0 && complete) {
                try {
                    if (src.read() >= 0) complete = false; // grew meanwhile
                } catch (IOException e) {
                    complete = false;
                }
            }
        } finally {
            if (src != null) {
                try {
                    src.close();
                } catch (IOException ignored) {
                    // Only read from.
                }
            }
        }
        if (left > 0) {
            complete = false;
            java.util.Arrays.fill(buf, (byte) 0);
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return complete;
    }

    private ScheduledFuture<?> watch(Duration d) {
        return WATCHDOG.schedule(process::destroyForcibly, d.toMillis(), TimeUnit.MILLISECONDS);
    }

    private String why(IOException e) {
        String err = stderr.text();
        return !err.isBlank() ? err.strip() : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        endInput();
        // Nothing can be sent any more, so the caller does not wait for the exit: a failover's HANDOVER closes
        // sessions on its way to the traffic switch, and a receiver JVM on a busy host takes a second to end.
        // The watchdog reaps it, and kills it if EOF was not enough.
        if (process.isAlive()) {
            WATCHDOG.schedule(() -> {
                if (process.isAlive()) process.destroy();
            }, 2, TimeUnit.SECONDS);
            WATCHDOG.schedule(() -> {
                if (process.isAlive()) process.destroyForcibly();
            }, 4, TimeUnit.SECONDS);
        }
    }

    /** On a failure: waits for the exit, so ssh's own message (refused, key rejected) is in the error. */
    private void closeAndWait() {
        endInput();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void endInput() {
        try {
            out.close(); // EOF: the receiver exits, and with it the ssh session
        } catch (IOException ignored) {
            // Already gone.
        }
    }

    /** The last few KB a process wrote to stderr, read on a daemon thread so the process never blocks on it. */
    static final class StderrTail {
        private static final int KEEP = 4096;
        private final StringBuilder buf = new StringBuilder();
        private Thread reader;

        static StderrTail follow(InputStream err) {
            StderrTail t = new StderrTail();
            Thread th = new Thread(() -> {
                byte[] b = new byte[1024];
                try (err) {
                    for (int n; (n = err.read(b)) > 0; ) t.append(new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // The process ended.
                }
            }, "vakt-filesync-stderr");
            th.setDaemon(true);
            t.reader = th;
            th.start();
            return t;
        }

        synchronized void append(String s) {
            buf.append(s);
            if (buf.length() > KEEP) buf.delete(0, buf.length() - KEEP);
        }

        /** The whole output once the process closed its stderr (bounded wait). */
        String textAtEnd(long maxMillis) {
            try {
                reader.join(maxMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return text();
        }

        synchronized String text() {
            return buf.toString();
        }
    }
}
