package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import no.vakt.config.BackupConfig.Compression;
import no.vakt.process.BoundedProcess;
import no.vakt.process.Programs;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each compression through a local repository: round trip, checksums, and the operator's own tool reads the stored file. */
class StoredStreamTest {
    /** The program that decompresses each, as an operator would without Vakt. */
    private static final Map<Compression, List<String>> TOOL = Map.of(Compression.ZSTD, List.of("zstd", "-d", "-c"),
            Compression.GZIP, List.of("gzip", "-d", "-c"), Compression.NONE, List.of("cat"));

    private Path dir;
    private LocalRepository repo;
    private byte[] data;
    private Path from;

    @BeforeEach
    void setUp() throws Exception {
        dir = TestDirs.create("ss");
        repo = new LocalRepository(dir.resolve("repo"));
        // Pages of rows and a random tail: several of zstd's parallel jobs, and something it cannot shrink.
        byte[] rows = "INSERT INTO orders VALUES (1, 'apple', 12.50);\n".repeat(60_000).getBytes(StandardCharsets.US_ASCII);
        byte[] noise = new byte[1 << 20];
        new Random(17).nextBytes(noise);
        data = new byte[rows.length + noise.length];
        System.arraycopy(rows, 0, data, 0, rows.length);
        System.arraycopy(noise, 0, data, rows.length, noise.length);
        from = dir.resolve("stream.xb");
        Files.write(from, data);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void eachCompressionComesBackWholeAndItsToolReadsIt(Compression c) throws Exception {
        String key = "base/1/backup.xb" + StoredStream.suffix(c);
        Manifest.StoredFile f;
        try (InputStream in = Files.newInputStream(from)) {
            f = StoredStream.store(in, repo, key, c);
        }

        byte[] stored = Files.readAllBytes(repo.file(key));
        assertThat(f.bytes()).isEqualTo(stored.length);
        assertThat(f.sha256()).isEqualTo(sha(stored)).isEqualTo(StoredStream.checksum(repo, key));
        assertThat(f.plainSha256()).isEqualTo(sha(data));
        if (c != Compression.NONE) assertThat(f.bytes()).as("compressed").isLessThan(data.length / 2);
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        assertThat(StoredStream.fetch(repo, f, StoredStream.name(c), back))
                .isEqualTo(new StoredStream.Fetched(sha(stored), sha(data)));
        assertThat(back.toByteArray()).isEqualTo(data);

        String program = TOOL.get(c).get(0);
        assumeThat(Programs.find(program)).as(program + " installed").isPresent();
        Path byTool = dir.resolve("by-tool.xb");
        List<String> argv = new java.util.ArrayList<>(TOOL.get(c));
        argv.add(repo.file(key).toString());
        BoundedProcess.Result r = BoundedProcess.run(BoundedProcess.Request.of(argv, Duration.ofSeconds(30)).writingTo(byTool));
        assertThat(r).isInstanceOfSatisfying(BoundedProcess.Finished.class, x -> assertThat(x.exitCode()).as(x.stderr().tail()).isZero());
        assertThat(Files.readAllBytes(byTool)).isEqualTo(data);
    }

    @Test
    void aGzipBackupOfAnOlderVaktStillReadsAndAnUnknownCompressionIsNamed() throws Exception {
        String key = "base/0/backup.xb.gz";
        try (OutputStream out = new GZIPOutputStream(repo.create(key))) { // as Vakt wrote before zstd: default level
            out.write(data);
        }
        Manifest.StoredFile old = new Manifest.StoredFile(key, repo.size(key), StoredStream.checksum(repo, key));
        assertThat(StoredStream.fetch(repo, old, "gzip", OutputStream.nullOutputStream()).plainSha256()).isEqualTo(sha(data));

        assertThatThrownBy(() -> StoredStream.fetch(repo, old, "lz4", OutputStream.nullOutputStream()))
                .isInstanceOf(IOException.class).hasMessageContaining("unknown compression \"lz4\"");
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
