package no.vakt.filesync;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * rsync over ssh for what the receiver does not do: the full reconcile ({@code rsync -a --delete} of
 * the whole tree, preceded by a dry run that counts the deletions for the guard) and large files
 * ({@code --files-from}). rsync writes each file under a temporary name and renames it, so partial files
 * never show on the target. Runs share the receiver's ssh connection when it is up.
 */
final class Rsync {
    private static final Pattern FILES = Pattern.compile("Number of regular files transferred: ([\\d,]+)");
    private static final Pattern BYTES = Pattern.compile("Total transferred file size: ([\\d,]+)");
    private static final Pattern DELETED = Pattern.compile("Number of deleted files: ([\\d,]+)");
    /** 24: files vanished while rsync ran; the watcher reports them, nothing is lost. */
    private static final int PARTIAL_VANISHED = 24;
    /** 25: --max-delete stopped deletions (more appeared than the guard judged). */
    private static final int MAX_DELETE_REACHED = 25;

    static final long UNLIMITED = -1;
    static final long NO_DELETE = -2;

    private final String program;
    private final SshTarget target;
    private final Duration timeout;

    Rsync(String program, SshTarget target, Duration timeout) {
        this.program = program;
        this.target = target;
        this.timeout = timeout;
    }

    /** {@code deleteLimitReached}: rsync skipped deletions beyond what the guard allowed. */
    record Result(long files, long bytes, long deleted, boolean deleteLimitReached) {}

    /**
     * What a reconcile would do, from a dry run that lists every file (-ii): the source's files, the
     * target's files, and how many of those the reconcile would delete (directories not counted); rsync's
     * --max-delete counts directories too: {@code deleteEntries} is files and directories.
     */
    record Preview(long sourceFiles, long targetFiles, long deletions, long deleteEntries) {}

    Preview preview(Path source, Path targetDir) throws IOException {
        List<String> argv = base();
        argv.addAll(List.of("--delete", "--dry-run", "-ii", "--out-format=%i %n"));
        argv.add(source + "/");
        argv.add(target.rsyncDir(targetDir));
        return preview(run(argv, null).lines);
    }

    static Preview preview(List<String> lines) {
        long sourceFiles = 0;
        long targetFiles = 0;
        long deletions = 0;
        long deleteEntries = 0;
        for (String line : lines) {
            if (line.startsWith("*deleting")) {
                deleteEntries++;
                if (!line.endsWith("/")) {
                    deletions++;
                    targetFiles++;
                }
                continue;
            }
            if (line.length() < 12 || line.charAt(11) != ' ') continue;
            char type = line.charAt(1);
            if (type == 'd') continue;
            sourceFiles++;
            // "+++++++++" after the type: the file is new, so the target does not have it yet.
            if (!line.startsWith("+++++++++", 2)) targetFiles++;
        }
        return new Preview(sourceFiles, targetFiles, deletions, deleteEntries);
    }

    /**
     * The whole tree; with {@code maxDelete} >= 0 also removes what the source no longer has, at most that
     * many entries (what the guard judged in the dry run: deletions appearing since are left for the next
     * one); {@link #UNLIMITED} deletes everything the source lacks, {@link #NO_DELETE} nothing.
     */
    Result mirror(Path source, Path targetDir, long maxDelete, String saveDir) throws IOException {
        List<String> argv = base();
        if (maxDelete != NO_DELETE) argv.add("--delete");
        if (maxDelete >= 0) argv.add("--max-delete=" + maxDelete);
        if (saveDir != null) {
            argv.add("--backup");
            argv.add("--backup-dir=" + saveDir);
        }
        argv.add("--stats");
        argv.add(source + "/");
        argv.add(target.rsyncDir(targetDir));
        return stats(run(argv, null));
    }

    /** Exactly these files (relative paths), for the ones too big for the receiver. */
    Result files(Path source, Path targetDir, Collection<String> rels) throws IOException {
        List<String> argv = base();
        argv.addAll(List.of("--files-from=-", "--from0", "--stats"));
        argv.add(source + "/");
        argv.add(target.rsyncDir(targetDir));
        StringBuilder list = new StringBuilder();
        for (String r : rels) list.append(r).append('\0');
        return stats(run(argv, list.toString()));
    }

    private List<String> base() {
        List<String> a = new ArrayList<>();
        a.add(program);
        a.addAll(List.of("-a", "--protect-args", "--mkpath", "--exclude=" + Wire.TEMP_PREFIX + "*",
                "--exclude=/" + Wire.SAVED_PREFIX + "*"));
        a.add("-e");
        a.add(target.rsyncShell());
        return a;
    }

    private record Output(List<String> lines, int code) {}

    /** rsync ran and failed; {@code code} is its exit status (23: some files or attributes not transferred). */
    static final class Failed extends IOException {
        static final int PARTIAL = 23;
        final int code;

        Failed(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    private Output run(List<String> argv, String stdin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(false);
        Process p = pb.start();
        ReceiverClient.StderrTail err = ReceiverClient.StderrTail.follow(p.getErrorStream());
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    // Bounded: the dry run of a huge tree lists at most this many lines we keep.
                    synchronized (lines) {
                        if (lines.size() < 5_000_000) lines.add(l);
                    }
                }
            } catch (IOException ignored) {
                // Process ended.
            }
        }, "vakt-rsync-out");
        reader.setDaemon(true);
        reader.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("rsync did not finish within " + timeout);
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while rsync ran");
        }
        int code = p.exitValue();
        if (code != 0 && code != PARTIAL_VANISHED && code != MAX_DELETE_REACHED) {
            throw new Failed(code, "rsync exit " + code + ": " + err.text().strip());
        }
        synchronized (lines) {
            return new Output(List.copyOf(lines), code);
        }
    }

    private static Result stats(Output out) {
        long files = 0;
        long bytes = 0;
        long deleted = 0;
        for (String l : out.lines) {
            files = Math.max(files, number(FILES, l));
            bytes = Math.max(bytes, number(BYTES, l));
            deleted = Math.max(deleted, number(DELETED, l));
        }
        return new Result(files, bytes, deleted, out.code == MAX_DELETE_REACHED);
    }

    private static long number(Pattern p, String line) {
        Matcher m = p.matcher(line);
        return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : 0;
    }
}
