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
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import no.vakt.backup.ArchiveStatus;
import no.vakt.backup.ContinuousArchive;
import no.vakt.backup.LocalRepository;
import no.vakt.config.Node;
import no.vakt.db.NodeInspector;
import no.vakt.testing.TestPair;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/archive}: the continuous binlog archive's lag while a shop writes. A real primary takes
 * {@code --rate} rows a second of {@code --row-bytes} each for {@code --seconds}; the archive streams them
 * ({@code mariadb-binlog --stop-never}) and is measured every {@code --round-ms}: the time since the archive last
 * held everything the primary had committed (docs/backup.md). Goal: under 2 s.
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

    @Override
    public Integer call() throws Exception {
        try (TestPair pair = TestPair.builder().hosts("127.0.64.5", "127.0.64.6").start()) {
            pair.primary.rootExecute("CREATE DATABASE IF NOT EXISTS shop",
                    "CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(8000))");
            Node primary = pair.config().primary();
            LocalRepository repo = new LocalRepository(pair.dir.resolve("repo"));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong rows = new AtomicLong();
            Thread writer = new Thread(() -> write(pair, stop, rows), "bench-writer");
            List<Long> lags = new ArrayList<>();
            try (ContinuousArchive archive = new ContinuousArchive(repo, new NodeInspector(Duration.ofSeconds(5)), Clock.systemUTC(),
                    Duration.ofHours(1), s -> System.out.println("BROKEN: " + s.detail()))) {
                String pw = primary.mysql().secret().resolve();
                long warm = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < warm) {
                    archive.tick(primary, pw);
                    Thread.sleep(roundMs);
                }
                writer.start();
                long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
                while (System.nanoTime() < end) {
                    ArchiveStatus s = archive.tick(primary, pw);
                    if (s.coveredAt() != null) lags.add(s.lag(Clock.systemUTC().instant()).lag().toMillis());
                    Thread.sleep(roundMs);
                }
                stop.set(true);
                writer.join();
                System.out.println("final state " + archive.status().state() + " at GTID " + archive.status().coveredGtid());
            }
            List<Long> sorted = lags.stream().sorted().toList();
            System.out.printf(Locale.ROOT, "archive lag over %d rounds of %d ms while writing %d rows (%d/s asked, %d B each):"
                            + " p50 %d ms, p95 %d ms, p99 %d ms, max %d ms; load %s%n", sorted.size(), roundMs, rows.get(),
                    rate, rowBytes, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted.get(sorted.size() - 1),
                    Files.readString(Path.of("/proc/loadavg")).strip());
        }
        return 0;
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
