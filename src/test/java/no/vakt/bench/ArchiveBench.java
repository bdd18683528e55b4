package no.vakt.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import no.vakt.backup.ArchiveStatus;
import no.vakt.backup.ContinuousArchive;
import no.vakt.backup.LocalRepository;
import no.vakt.backup.Repositories;
import no.vakt.backup.Repository;
import no.vakt.config.BackupConfig;
import no.vakt.config.Node;
import no.vakt.db.NodeInspector;
import no.vakt.testing.S3Proxy;
import no.vakt.testing.TestPair;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/archive}: the continuous binlog archive's lag while a shop writes. A real primary takes
 * {@code --rate} rows a second of {@code --row-bytes} each for {@code --seconds}; the archive streams them
 * ({@code mariadb-binlog --stop-never}) and is measured every {@code --round-ms}: the time since the archive last
 * held everything the primary had committed (docs/backup.md). Goal: under 2 s. One run per repository kind, the
 * same primary: a local directory and an encrypted S3 bucket (s3proxy), so the remote's cost shows beside it.
 */
@Command(name = "bench/archive", mixinStandardHelpOptions = true, description = "binlog archive lag while a shop writes")
public final class ArchiveBench implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "60", description = "How long the writer writes")
    int seconds;

    @Option(names = "--rate", defaultValue = "200", description = "Rows a second")
    int rate;

    @Option(names = "--row-bytes", defaultValue = "1000", description = "Payload bytes per row")
    int rowBytes;

    @Option(names = "--round-ms", defaultValue = "100", description = "How often the archive is measured, ms (vakt run: 1000)")
    long roundMs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ArchiveBench()).execute(args));
    }

    @Option(names = "--repositories", split = ",", defaultValue = "local,s3",
            description = "Where the archive streams, one run each: local (a directory), s3 (s3proxy in its own JVM, encrypted)")
    List<String> repositories;

    @Override
    public Integer call() throws Exception {
        try (TestPair pair = TestPair.builder().hosts("127.0.64.5", "127.0.64.6").start()) {
            pair.primary.rootExecute("CREATE DATABASE IF NOT EXISTS shop",
                    "CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(8000))");
            List<String> lines = new ArrayList<>();
            for (String kind : repositories) lines.add(kind + ": " + measure(pair, repository(pair, kind)));
            lines.forEach(System.out::println);
        }
        return 0;
    }

    private static Repository repository(TestPair pair, String kind) throws Exception {
        if (kind.equals("local")) return new LocalRepository(pair.dir.resolve("repo"));
        if (!kind.equals("s3")) throw new IllegalArgumentException("--repositories: local or s3, not " + kind);
        S3Proxy s3 = S3Proxy.shared();
        S3Proxy.createBucket(s3.endpoint(), "bench");
        Path pass = Files.writeString(pair.dir.resolve("pass"), "bench passphrase\n");
        BackupConfig.Repository r = new BackupConfig.Repository(BackupConfig.RepositoryType.S3, null, "NO", null, null, null, null, null,
                "bench", "archive", "us-east-1", s3.endpoint(), null, null, null);
        return Repositories.open(new BackupConfig(r, null, null, null, null, new BackupConfig.Encryption(pass)),
                Map.of("AWS_ACCESS_KEY_ID", S3Proxy.IDENTITY, "AWS_SECRET_ACCESS_KEY", S3Proxy.CREDENTIAL));
    }

    /** One run: the writer writes for --seconds while the archive streams into {@code repo}; the lag's figures. */
    private String measure(TestPair pair, Repository repo) throws Exception {
        Node primary = pair.config().primary();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong rows = new AtomicLong();
        Thread writer = new Thread(() -> write(pair, stop, rows), "bench-writer");
        List<Long> lags = new ArrayList<>();
        String end;
        try (ContinuousArchive archive = new ContinuousArchive(repo, new NodeInspector(Duration.ofSeconds(5)), Clock.systemUTC(),
                Duration.ofHours(1), s -> System.out.println("BROKEN: " + s.detail()))) {
            String pw = primary.mysql().secret().resolve();
            long warm = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < warm) {
                archive.tick(primary, pw);
                Thread.sleep(roundMs);
            }
            writer.start();
            long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            while (System.nanoTime() < until) {
                ArchiveStatus s = archive.tick(primary, pw);
                if (s.coveredAt() != null) lags.add(s.lag(Clock.systemUTC().instant()).lag().toMillis());
                Thread.sleep(roundMs);
            }
            stop.set(true);
            writer.join();
            end = archive.status().state() + " at GTID " + archive.status().coveredGtid()
                    + (archive.status().detail().isEmpty() ? "" : " (" + archive.status().detail() + ")");
        }
        List<Long> sorted = lags.stream().sorted().toList();
        return String.format(Locale.ROOT, "%s: archive lag over %d rounds of %d ms while writing %d rows (%d/s asked, %d B each):"
                        + " p50 %d ms, p95 %d ms, p99 %d ms, max %d ms; final state %s; load %s", repo.describe(), sorted.size(), roundMs,
                rows.get(), rate, rowBytes, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted.get(sorted.size() - 1), end,
                Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private void write(TestPair pair, AtomicBoolean stop, AtomicLong rows) {
        String body = "x".repeat(rowBytes);
        long every = 1_000_000_000L / rate;
        long next = System.nanoTime();
        try (Connection c = pair.primary.rootConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO shop.orders (body) VALUES (?)")) {
            while (!stop.get()) {
                s.setString(1, body);
                s.executeUpdate();
                rows.incrementAndGet();
                next += every;
                long wait = next - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        } catch (Exception e) {
            System.out.println("writer stopped: " + e);
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }
}
