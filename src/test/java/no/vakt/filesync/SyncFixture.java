package no.vakt.filesync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertSink;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.lab.LabConfigTemplate;
import no.vakt.lab.MariaDbServer;
import no.vakt.lab.Sshd;
import no.vakt.testing.FilesSection;
import no.vakt.testing.Loopback;

/**
 * A real sshd on two addresses of this helper's loopback range (127.0.43.x), a "primary" and a
 * "standby" directory, and a vakt.yml whose files: section pushes between them over that sshd.
 */
final class SyncFixture implements AutoCloseable {
    // 127.0.43.0/24 is this test area's range; the pid spreads parallel JVMs over it.
    private static final AtomicInteger NEXT = new AtomicInteger(10 + (int) (ProcessHandle.current().pid() % 40) * 5);

    final Path dir;
    final String primaryHost;
    final String standbyHost;
    final Sshd sshd;
    final Path primaryDir;
    final Path standbyDir;
    final Path configFile;
    final List<Alert> alerts = new CopyOnWriteArrayList<>();
    final AlertSink alertSink = alerts::add;

    private SyncFixture(Path dir, String primaryHost, String standbyHost, Sshd sshd) {
        this.dir = dir;
        this.primaryHost = primaryHost;
        this.standbyHost = standbyHost;
        this.sshd = sshd;
        this.primaryDir = dir.resolve("oslo/uploads");
        this.standbyDir = dir.resolve("bergen/uploads");
        this.configFile = dir.resolve("vakt.yml");
    }

    static SyncFixture start(String extraFiles) throws IOException {
        Path dir = Files.createTempDirectory("vakt-filesync");
        String p = "127.0.43." + NEXT.getAndIncrement();
        String s = "127.0.43." + NEXT.getAndIncrement();
        Sshd sshd = new Sshd(dir.resolve("ssh"), List.of(p, s), Loopback.freePort(p));
        SyncFixture f = new SyncFixture(dir, p, s, sshd);
        try {
            sshd.start();
            Files.createDirectories(f.primaryDir);
            Files.createDirectories(f.standbyDir);
            f.writeConfig(extraFiles);
            return f;
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    void writeConfig(String extraFiles) throws IOException {
        String files = FilesSection.yaml(sshd, extraFiles);
        Files.writeString(configFile, new LabConfigTemplate("fs", primaryHost, 3306, standbyHost, 3306, "vakt",
                Path.of("secrets/admin.password"), "repl", Path.of("secrets/repl.password"), List.of("shop"), "manual",
                null, false, "127.0.0.1").render(files));
    }

    VaktConfig config() {
        return ConfigLoader.load(configFile);
    }

    /** Every entry below {@code root}: type, size, content hash, mode, and the mtime of files and links. */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.equals(root)) continue;
                String rel = root.relativize(p).toString();
                if (p.getFileName().toString().startsWith(Wire.TEMP_PREFIX)) {
                    out.put(rel, "temp file");
                    continue;
                }
                Map<String, Object> a;
                try {
                    a = Files.readAttributes(p, "unix:mode,lastModifiedTime,size", LinkOption.NOFOLLOW_LINKS);
                } catch (java.nio.file.NoSuchFileException e) {
                    continue;
                }
                int mode = (Integer) a.get("mode");
                String desc = Integer.toOctalString(mode);
                if (Files.isSymbolicLink(p)) {
                    desc += " -> " + Files.readSymbolicLink(p);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    desc += " " + sha(Files.readAllBytes(p)) + " @" + ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.SECONDS);
                }
                out.put(rel, desc);
            }
        }
        return out;
    }

    private static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        sshd.stop();
        try {
            MariaDbServer.deleteTree(dir);
        } catch (IOException ignored) {
            // A temp directory left behind is harmless.
        }
    }
}
