package no.vakt.backup;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * {@code NAME.part}, owner-only, and renamed when whole. Each file is staged in a local owner-only temporary
 * file on its way (the runner streams to and from files, not pipes), so the local disk needs room for the
 * largest one.
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
        Path spool = spool();
        return new FilterOutputStream(Files.newOutputStream(spool)) {
            private boolean closed;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (closed) return;
                closed = true;
                try {
                    super.close();
                    makeDirs(path.substring(0, path.lastIndexOf('/')));
                    run(List.of("dd", "of=" + path + ".part", "bs=1M", "status=none", "conv=fsync"), transfer, spool, null);
                    run(List.of("mv", "-f", "--", path + ".part", path), SMALL, null, null);
                } finally {
                    Files.deleteIfExists(spool);
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
        run(argv, SMALL, null, null);
        made.add(dir);
    }

    @Override
    public InputStream open(String key) throws IOException {
        Path spool = spool();
        try {
            run(List.of("cat", "--", path(key)), transfer, null, spool);
            return new FilterInputStream(Files.newInputStream(spool)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        Files.deleteIfExists(spool);
                    }
                }
            };
        } catch (IOException e) {
            Files.deleteIfExists(spool);
            throw e;
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        BoundedProcess.Finished f = finished(List.of("test", "-f", path(key)), SMALL, null, null);
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
        BoundedProcess.Finished f = finished(argv, SMALL, null, null);
        if (f.exitCode() != 0) {
            // A repository nothing was written into yet has no directory: empty, as for a local one.
            if (f.exitCode() == 1 && finished(List.of("test", "-e", root), SMALL, null, null).exitCode() == 1) return List.of();
            throw failure(f);
        }
        return f.stdout().head().lines().filter(l -> !l.isEmpty()).sorted().toList();
    }

    @Override
    public long size(String key) throws IOException {
        String out = run(List.of("stat", "-c", "%s", "--", path(key)), SMALL, null, null).stdout().head().strip();
        try {
            return Long.parseLong(out);
        } catch (NumberFormatException e) {
            throw new IOException(describe() + ": stat " + key + " answered '" + out + "'");
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String path = path(key);
        run(List.of("rm", "-f", "--", path), SMALL, null, null);
        String dir = path.substring(0, path.lastIndexOf('/'));
        // A backup's directory goes with its last file, as in the local repository.
        if (!dir.equals(root)) {
            made.remove(dir);
            BoundedProcess.Finished f = finished(List.of("rmdir", "--ignore-fail-on-non-empty", "--", dir), SMALL, null, null);
            if (f.exitCode() == 255) throw failure(f); // gone already is fine; ssh failing is not
        }
    }

    @Override
    public String describe() {
        return "ssh://" + target.display() + root;
    }

    private static Path spool() throws IOException {
        return Files.createTempFile("vakt-ssh-repo-", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    private BoundedProcess.Finished run(List<String> remote, Duration timeout, Path in, Path out) throws IOException {
        BoundedProcess.Finished f = finished(remote, timeout, in, out);
        if (f.exitCode() != 0) throw failure(f);
        return f;
    }

    private BoundedProcess.Finished finished(List<String> remote, Duration timeout, Path in, Path out) throws IOException {
        BoundedProcess.Request req = BoundedProcess.Request.of(target.command(remote), timeout);
        if (in != null) req = req.readingFrom(in);
        if (out != null) req = req.writingTo(out);
        BoundedProcess.Result r;
        try {
            r = BoundedProcess.run(req);
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

    /** ssh's own failures exit 255; the remote tool's exit code otherwise. */
    private IOException failure(BoundedProcess.Finished f) {
        String why = Tools.lastLines(f.stderr().tail());
        return new IOException(describe() + ": " + (f.exitCode() == 255 ? "ssh failed: " : "exit " + f.exitCode() + ": ") + why);
    }
}
