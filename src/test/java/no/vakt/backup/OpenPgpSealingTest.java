package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

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
import java.util.Random;
import no.vakt.config.BackupConfig.Compression;
import no.vakt.process.BoundedProcess;
import no.vakt.process.Programs;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Encryption through a local repository: round trip, both checksums, tampering and a wrong passphrase caught, and plain gpg decrypts. */
class OpenPgpSealingTest {
    private static final String PASSPHRASE = "correct horse battery staple";
    private Path dir;
    private LocalRepository plain;
    private SealedRepository sealed;
    private Path passFile;

    @BeforeEach
    void setUp() throws Exception {
        dir = TestDirs.create("pgp");
        plain = new LocalRepository(dir.resolve("repo"));
        passFile = dir.resolve("pass");
        Files.writeString(passFile, PASSPHRASE + "\nthe second line is not part of it\n");
        sealed = new SealedRepository(plain, OpenPgpSealing.fromFile(passFile));
    }

    @Test
    void storedBytesAreEncryptedAndBothChecksumsHold() throws Exception {
        byte[] data = new byte[3 * (1 << 16) + 123];
        new Random(7).nextBytes(data);
        Path from = dir.resolve("stream.xb");
        Files.write(from, data);
        Manifest.StoredFile f;
        try (InputStream in = Files.newInputStream(from)) {
            f = StoredStream.store(in, sealed, "base/1/backup.xb.zst", Compression.ZSTD);
        }

        byte[] stored = Files.readAllBytes(plain.file(f.key()));
        assertThat(f.bytes()).isEqualTo(stored.length);
        assertThat(f.sha256()).isEqualTo(sha(stored)).isEqualTo(StoredStream.checksum(sealed, f.key()));
        assertThat(f.plainSha256()).isEqualTo(sha(data));
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(PASSPHRASE);

        java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
        assertThat(StoredStream.fetch(sealed, f, "zstd", back)).as("the stored (encrypted) bytes' checksum on the same read")
                .isEqualTo(new StoredStream.Fetched(sha(stored), sha(data)));
        assertThat(back.toByteArray()).isEqualTo(data);
    }

    @Test
    void aFlippedByteOrAWrongPassphraseIsAnErrorNotWrongBytes() throws Exception {
        try (OutputStream out = sealed.create("binlog/db1/mysql-bin.000001")) {
            out.write(new byte[100_000]);
        }
        Path file = plain.file("binlog/db1/mysql-bin.000001");
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 1;
        Files.write(file, b);
        assertThatThrownBy(() -> readAll(sealed, "binlog/db1/mysql-bin.000001")).hasMessageContaining("integrity");

        try (OutputStream out = sealed.create("x")) {
            out.write(1);
        }
        SealedRepository other = new SealedRepository(plain, new OpenPgpSealing("not it".toCharArray()));
        assertThatThrownBy(() -> readAll(other, "x")).hasMessageContaining("wrong passphrase").hasMessageNotContaining("not it");
    }

    @Test
    void aStreamThatFailsOnItsWayIsNotLeftInTheRepository() {
        InputStream cut = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(new byte[300_000]), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("cut on its way");
            }
        });
        assertThatThrownBy(() -> StoredStream.store(cut, sealed, "base/2/backup.xb.gz", Compression.GZIP))
                .isInstanceOf(IOException.class).hasMessage("cut on its way");
        assertThat(plain.exists("base/2/backup.xb.gz")).isFalse();
    }

    @Test
    void plainGpgDecryptsWhatVaktStored() throws Exception {
        assumeThat(Programs.find("gpg")).as("gpg installed").isPresent();
        byte[] data = "INSERT INTO orders VALUES (1);\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = sealed.create("base/1/manifest.json")) {
            out.write(data);
        }
        Path home = Files.createDirectories(dir.resolve("g"));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path out = dir.resolve("decrypted");
        BoundedProcess.Result r = BoundedProcess.run(BoundedProcess.Request.of(List.of("gpg", "--homedir", home.toString(), "--batch",
                "--pinentry-mode", "loopback", "--passphrase-file", passFile.toString(), "-o", out.toString(), "-d",
                plain.file("base/1/manifest.json").toString()), Duration.ofSeconds(30)));
        try {
            assertThat(r).isInstanceOfSatisfying(BoundedProcess.Finished.class, f -> assertThat(f.exitCode()).as(f.stderr().tail()).isZero());
            assertThat(Files.readAllBytes(out)).isEqualTo(data);
        } finally {
            BoundedProcess.run(BoundedProcess.Request.of(List.of("gpgconf", "--homedir", home.toString(), "--kill", "all"), Duration.ofSeconds(10)));
        }
    }

    private static byte[] readAll(Repository repo, String key) throws Exception {
        try (InputStream in = repo.open(key)) {
            return in.readAllBytes();
        }
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
