package no.vakt.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import no.vakt.lab.LabSite;
import no.vakt.lab.MariaDbServer;

/** Rows whose fault is on the uploads: the standby's disk, a directory replaced, an inotify overflow. */
final class FileRows {
    private FileRows() {}

    /** The standby's uploads on a 300 KiB tmpfs; ten 60 KB uploads; then the disk grows to 20 MiB. */
    static final class ReceiverDiskFull implements FaultRow {
        private Path mounted;

        @Override
        public String id() {
            return "receiver-disk-full";
        }

        @Override
        public String fault() {
            return "standby's uploads disk full (300 KiB tmpfs, ten 60 KB uploads), then freed";
        }

        @Override
        public String expected() {
            return "no failover; pushes fail and retry; every upload arrives after the disk is freed";
        }

        @Override
        public boolean failoverExpected() {
            return false;
        }

        @Override
        public boolean needsRoot() {
            return true;
        }

        @Override
        public void prepare(FaultLab lab) throws Exception {
            mounted = lab.uploads(LabSite.BERGEN);
            run("mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", mounted.toString());
        }

        @Override
        public void inject(FaultLab lab, LabSite primary) throws Exception {
            Application app = lab.application();
            Random random = new Random(42);
            for (int i = 1; i <= 10; i++) {
                byte[] b = new byte[60_000];
                random.nextBytes(b);
                app.upload(primary, "large-" + i + ".bin", b);
            }
        }

        @Override
        public void remove(FaultLab lab, LabSite primary) throws Exception {
            run("mount", "-o", "remount,size=20m", mounted.toString());
        }

        @Override
        public void cleanup(FaultLab lab) {
            if (mounted == null) return;
            try {
                run("umount", "-l", mounted.toString());
            } catch (Exception ignored) {
                // not mounted any more
            }
            mounted = null;
        }
    }

    /** uploads/2024 with 60 files on both sites; on the primary it becomes a plain file. */
    static final class DirectoryReplaced implements FaultRow {
        private static final int FILES = 60;

        @Override
        public String id() {
            return "dir-replaced-by-file";
        }

        @Override
        public String fault() {
            return "uploads/2024 (60 files) replaced by a plain file on the primary";
        }

        @Override
        public String expected() {
            return "no failover; the 60 deletes are held by the delete guard";
        }

        @Override
        public boolean failoverExpected() {
            return false;
        }

        @Override
        public void beforeFault(FaultLab lab, LabSite primary, LabSite standby) throws Exception {
            Path dir = Files.createDirectories(lab.uploads(primary).resolve("2024"));
            for (int i = 1; i <= FILES; i++) Files.writeString(dir.resolve("photo-" + i + ".jpg"), "photo " + i + "\n");
            Path copy = lab.uploads(standby).resolve("2024");
            if (!RowRunner.await(Duration.ofSeconds(30), () -> count(copy) == FILES)) {
                throw new IllegalStateException("uploads/2024 never reached the standby: " + count(copy) + " files");
            }
        }

        @Override
        public void inject(FaultLab lab, LabSite primary) throws Exception {
            Path dir = lab.uploads(primary).resolve("2024");
            MariaDbServer.deleteTree(dir);
            Files.writeString(dir, "not a directory any more\n");
        }

        @Override
        public void remove(FaultLab lab, LabSite primary) {}

        @Override
        public void verify(FaultLab lab, Application app, List<String> violations, RowRunner.Notes notes) {
            long kept = count(lab.uploads(RowRunner.other(lab.writableSite().orElse(LabSite.OSLO))).resolve("2024"));
            notes.add(kept + " of " + FILES + " files of uploads/2024 kept on the standby");
            if (kept < FILES) violations.add((FILES - kept) + " files deleted on the standby past the delete guard");
        }
    }

    /** 50,000 files in one burst: far past the kernel's inotify queue (16,384 events by default). */
    static final class InotifyOverflow implements FaultRow {
        private static final int FILES = 50_000;
        /** Measured here at a few thousand files a second over rsync: a bound with room, never a goal. */
        private static final Duration ARRIVAL_LIMIT = Duration.ofMinutes(5);
        private Instant injectedAt;

        @Override
        public String id() {
            return "inotify-overflow";
        }

        @Override
        public String fault() {
            return "50,000 uploads in one burst (inotify overflow)";
        }

        @Override
        public String expected() {
            return "no failover; all 50,000 arrive (the after-overflow reconcile)";
        }

        @Override
        public boolean failoverExpected() {
            return false;
        }

        @Override
        public Duration hold() {
            return Duration.ofSeconds(2);
        }

        @Override
        public void inject(FaultLab lab, LabSite primary) throws IOException {
            injectedAt = Instant.now();
            Path dir = Files.createDirectories(lab.uploads(primary).resolve("burst"));
            for (int i = 0; i < FILES; i++) Files.writeString(dir.resolve("f" + i), "x");
        }

        @Override
        public void remove(FaultLab lab, LabSite primary) {}

        @Override
        public void verify(FaultLab lab, Application app, List<String> violations, RowRunner.Notes notes) {
            LabSite primary = lab.writableSite().orElse(LabSite.OSLO);
            Path copy = lab.uploads(RowRunner.other(primary)).resolve("burst");
            boolean all = RowRunner.await(ARRIVAL_LIMIT, () -> count(copy) == FILES);
            notes.add(count(copy) + " of " + FILES + " arrived" + (all ? " within "
                    + Duration.between(injectedAt, Instant.now()).toSeconds() + " s of the burst" : ""));
            if (!all) violations.add((FILES - count(copy)) + " of the burst's files never arrived");
        }
    }

    /** The journal's disk (a 4 MiB tmpfs under the lab's state directory) full when the primary dies. */
    static final class JournalDiskFull extends PrimaryKilled {
        private Path mounted;

        @Override
        public String id() {
            return "journal-disk-full";
        }

        @Override
        public String fault() {
            return "the journal's disk full, then kill -9 of the primary; space freed after 20 s";
        }

        @Override
        public String expected() {
            return "failover completes, or aborts before the promotion and completes once the journal has room";
        }

        @Override
        public boolean needsRoot() {
            return true;
        }

        @Override
        public void prepare(FaultLab lab) throws Exception {
            mounted = lab.journalFile().getParent();
            Files.createDirectories(mounted);
            Path keep = lab.dir().resolve("state-before-mount");
            // The state written so far (journal, file-sync layout) moves onto the small disk with the monitor.
            FileRows.run("cp", "-a", mounted.toString(), keep.toString());
            run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mounted.toString());
            FileRows.run("cp", "-a", keep + "/.", mounted.toString());
        }

        @Override
        public void beforeFault(FaultLab lab, LabSite primary, LabSite standby) throws IOException {
            Path filler = mounted.resolve("filler");
            byte[] block = new byte[64 * 1024];
            try (var out = Files.newOutputStream(filler)) {
                for (int i = 0; i < 1024; i++) out.write(block); // at most 64 MiB: far past the 4 MiB disk
            } catch (IOException full) {
                // ENOSPC: the disk is full, as wanted
            }
        }

        @Override
        public void afterInject(FaultLab lab, RowRunner.Notes notes) throws IOException {
            RowRunner.sleep(Duration.ofSeconds(20));
            Files.deleteIfExists(mounted.resolve("filler"));
            notes.add("journal disk freed 20 s after the fault");
        }

        @Override
        public void cleanup(FaultLab lab) {
            if (mounted == null) return;
            try {
                lab.stopMonitor(); // it holds the journal open on the small disk
            } catch (IOException ignored) {
                // the unmount below is lazy: it goes through with the file still open
            }
            try {
                run("umount", "-l", mounted.toString());
            } catch (Exception ignored) {
                // not mounted any more
            }
            mounted = null;
        }
    }

    static long count(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            return 0;
        }
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not finish within 10 s");
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
    }
}
