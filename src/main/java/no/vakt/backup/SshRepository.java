package no.vakt.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import no.vakt.filesync.SshTarget;
import no.vakt.process.BoundedProcess;

/**
 * A repository in a directory of another host, over ssh (the file sync's {@link SshTarget}: batch mode, the
 * configured key and known_hosts, host keys checked). Only POSIX tools run there: {@code dd}, {@code cat},
 * {@code mv}, {@code find}, {@code stat}, {@code rm}. As in {@link LocalRepository}, a file is written under
 * {@code NAME.part}, owner-only, and renamed when whole; a copy cut on its way leaves only the {@code .part}.
 * Files go through ssh's pipes as they are written and read: nothing is staged on the local disk.
 */
public final class SshRepository implements Repository {
    private static final Duration SMALL = Duration.ofSeconds(60);

    private final SshTarget target;
    private final String root;
    private final Duration transfer;
    private final Set<String> made = ConcurrentHashMap.newKeySet();

    /** @param root the repository's absolute directory on the host; @param transfer the deadline of one file's copy */
    public SshRepository(SshTarget target, String root, Duration transfer) {
        if (!root.startsWith("/")) throw new IllegalArgumentException("the ssh repository's path must be absolute: " + root);
        this.target = target;
        this.root = root.replaceAll("/+$", "");
        this.transfer = transfer;
    }

    String path(String key) {
        if (key.isEmpty() || key.startsWith("/") || List.of(key.split("/")).contains("..")) {
            throw new IllegalArgumentException("not a key inside the repository: " + key);
        }
        return root + "/" + key;
    }

    @Override
    public OutputStream create(String key) throws IOException {
        String path = path(key);
        makeDirs(path.substring(0, path.lastIndexOf('/')));
        List<String> dd = List.of("dd", "of=" + path + ".part", "bs=1M", "status=none", "conv=fsync");
        BoundedProcess.Running copy = BoundedProcess.start(BoundedProcess.Request.of(target.command(dd), transfer).pipingStdin());
        OutputStream pipe = copy.stdin();
        return new OutputStream() {
            private boolean broken;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    pipe.write(b, off, len);
                } catch (IOException e) {
                    broken = true;
                    throw why(dd, copy, e);
                }
            }

            @Override
            public void close() throws IOException {
                if (closed) return;
                closed = true;
                try (copy) {
                    if (broken) return; // the .part stays: never renamed
                    try {
                        pipe.close();
                    } catch (IOException e) {
                        throw why(dd, copy, e);
                    }
                    BoundedProcess.Finished f = ended(dd, transfer, copy::finish);
                    if (f.exitCode() != 0) throw failure(f);
                    run(List.of("mv", "-f", "--", path + ".part", path), SMALL);
                }
            }
        };
    }

    /**
     * Every directory from the root down, owner-only (so the files in them need no mode of their own), in one
     * call, once per directory in this process: each ssh call costs a handshake.
     */
    private void makeDirs(String dir) throws IOException {
        if (made.contains(dir)) return;
        List<String> argv = new ArrayList<>(List.of("mkdir", "-p", "-m", "700", "--", root));
        for (int i = dir.indexOf('/', root.length() + 1); i > 0; i = dir.indexOf('/', i + 1)) argv.add(dir.substring(0, i));
        if (!dir.equals(root)) argv.add(dir);
        run(argv, SMALL);
        made.add(dir);
    }

    /** Reads ahead one byte, so that a missing file fails here, not at the first read. */
    @Override
    public InputStream open(String key) throws IOException {
        List<String> cat = List.of("cat", "--", path(key));
        BoundedProcess.Running copy = BoundedProcess.start(BoundedProcess.Request.of(target.command(cat), transfer).pipingStdout());
        InputStream pipe = copy.stdout();
        PushbackInputStream in = new PushbackInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n;
                try {
                    n = pipe.read(b, off, len);
                } catch (IOException e) {
                    throw why(cat, copy, e);
                }
                // The end of the pipe is the end of the file only when cat says so.
                if (n < 0) {
                    BoundedProcess.Finished f = ended(cat, transfer, copy::finish);
                    if (f.exitCode() != 0) throw failure(f);
                }
                return n;
            }

            @Override
            public void close() {
                copy.close();
            }
        });
        try {
            int first = in.read();
            if (first >= 0) in.unread(first);
            return in;
        } catch (IOException e) {
            copy.close();
            throw e;
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        BoundedProcess.Finished f = finished(List.of("test", "-f", path(key)), SMALL);
        if (f.exitCode() == 0) return true;
        if (f.exitCode() == 1) return false;
        throw failure(f);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        // One level under the prefix, relative to the root, in one call.
        int depth = prefix.isEmpty() ? 1 : prefix.split("/").length + 1;
        List<String> argv = new ArrayList<>(List.of("find", root, "-mindepth", Integer.toString(depth),
                "-maxdepth", Integer.toString(depth)));
        if (!prefix.isEmpty()) argv.addAll(List.of("-path", path(prefix) + "/*"));
        argv.addAll(List.of("!", "-name", "*.part", "-printf", "%P\\n"));
        BoundedProcess.Finished f = finished(argv, SMALL);
        if (f.exitCode() != 0) {
            // A repository nothing was written into yet has no directory: empty, as for a local one.
            if (f.exitCode() == 1 && finished(List.of("test", "-e", root), SMALL).exitCode() == 1) return List.of();
            throw failure(f);
        }
        return f.stdout().head().lines().filter(l -> !l.isEmpty()).sorted().toList();
    }

    @Override
    public long size(String key) throws IOException {
        String out = run(List.of("stat", "-c", "%s", "--", path(key)), SMALL).stdout().head().strip();
        try {
            return Long.parseLong(out);
        } catch (NumberFormatException e) {
            throw new IOException(describe() + ": stat " + key + " answered '" + out + "'");
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String path = path(key);
        run(List.of("rm", "-f", "--", path), SMALL);
        String dir = path.substring(0, path.lastIndexOf('/'));
        // A backup's directory goes with its last file, as in the local repository.
        if (!dir.equals(root)) {
            made.remove(dir);
            BoundedProcess.Finished f = finished(List.of("rmdir", "--ignore-fail-on-non-empty", "--", dir), SMALL);
            if (f.exitCode() == 255) throw failure(f); // gone already is fine; ssh failing is not
        }
    }

    @Override
    public String describe() {
        return "ssh://" + target.display() + root;
    }

    private BoundedProcess.Finished run(List<String> remote, Duration timeout) throws IOException {
        BoundedProcess.Finished f = finished(remote, timeout);
        if (f.exitCode() != 0) throw failure(f);
        return f;
    }

    private BoundedProcess.Finished finished(List<String> remote, Duration timeout) throws IOException {
        return ended(remote, timeout, () -> BoundedProcess.run(BoundedProcess.Request.of(target.command(remote), timeout)));
    }

    private interface Ending {
        BoundedProcess.Result get() throws IOException, InterruptedException;
    }

    /** How the ssh call ended; an IOException when it did not finish by itself. */
    private BoundedProcess.Finished ended(List<String> remote, Duration timeout, Ending ending) throws IOException {
        BoundedProcess.Result r;
        try {
            r = ending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted: " + remote.get(0) + " on " + describe());
        }
        if (r instanceof BoundedProcess.CouldNotStart c) throw new IOException("ssh could not start: " + c.cause().getMessage());
        if (r instanceof BoundedProcess.TimedOut) {
            throw new IOException(describe() + ": " + remote.get(0) + " did not finish within " + timeout.toSeconds() + " s");
        }
        return (BoundedProcess.Finished) r;
    }

    /** A pipe that broke: what ended ssh says more than the pipe (a full disk, a lost connection, the deadline). */
    private IOException why(List<String> remote, BoundedProcess.Running copy, IOException broken) {
        IOException why;
        try {
            BoundedProcess.Finished f = ended(remote, transfer, copy::finish);
            why = f.exitCode() != 0 ? failure(f) : broken;
        } catch (IOException e) {
            why = e;
        }
        if (why != broken) why.addSuppressed(broken);
        return why;
    }

    /** ssh's own failures exit 255; the remote tool's exit code otherwise. */
    private IOException failure(BoundedProcess.Finished f) {
        String why = Tools.lastLines(f.stderr().tail());
        return new IOException(describe() + ": " + (f.exitCode() == 255 ? "ssh failed: " : "exit " + f.exitCode() + ": ") + why);
    }
}
