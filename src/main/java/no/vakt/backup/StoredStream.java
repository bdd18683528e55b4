package no.vakt.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import no.vakt.config.BackupConfig.Compression;

/**
 * A file into the repository, compressed (and encrypted, by a {@link SealedRepository}) and checksummed on the
 * way: the SHA-256 of the stored bytes and of the plain stream; and back out, checked.
 */
final class StoredStream {
    private StoredStream() {}

    static Manifest.StoredFile store(Path from, Repository repo, String key, Compression compression) throws IOException {
        MessageDigest stored = sha256();
        MessageDigest plain = sha256();
        UnaryOperator<OutputStream> tap = o -> new DigestOutputStream(o, stored);
        OutputStream target = repo instanceof SealedRepository s ? s.create(key, tap) : tap.apply(repo.create(key));
        try (OutputStream packed = compression == Compression.GZIP ? new GZIPOutputStream(target, 1 << 16) : target;
                OutputStream out = new DigestOutputStream(packed, plain)) {
            Files.copy(from, out);
        } catch (IOException e) {
            // Closing published what was written (a stream cannot tell a failed writer from a finished one): remove it.
            try {
                repo.delete(key);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return new Manifest.StoredFile(key, repo.size(key), hex(stored), hex(plain));
    }

    /** The stored bytes' SHA-256 (encrypted, when the repository encrypts), read whole. */
    static String checksum(Repository repo, String key) throws IOException {
        Repository raw = repo instanceof SealedRepository s ? s.stored() : repo;
        MessageDigest sha = sha256();
        try (InputStream in = raw.open(key); OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
            in.transferTo(sink);
        }
        return hex(sha);
    }

    /** Copies the stored file out, decrypted and decompressed, to {@code to}; returns the SHA-256 of what it wrote. */
    static String fetch(Repository repo, Manifest.StoredFile file, String compression, Path to) throws IOException {
        MessageDigest plain = sha256();
        try (InputStream raw = repo.open(file.key());
                InputStream unpacked = "gzip".equals(compression) ? new GZIPInputStream(raw, 1 << 16) : raw;
                InputStream in = new DigestInputStream(unpacked, plain)) {
            Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return hex(plain);
    }

    private static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
