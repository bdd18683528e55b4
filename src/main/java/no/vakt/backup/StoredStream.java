package no.vakt.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import no.vakt.config.BackupConfig.Compression;

/** A file into the repository, compressed and checksummed on the way; and back out, checked. */
final class StoredStream {
    private StoredStream() {}

    static Manifest.StoredFile store(Path from, Repository repo, String key, Compression compression) throws IOException {
        MessageDigest sha = sha256();
        try (OutputStream target = new DigestOutputStream(repo.create(key), sha);
                OutputStream out = compression == Compression.GZIP ? new GZIPOutputStream(target, 1 << 16) : target) {
            Files.copy(from, out);
        }
        return new Manifest.StoredFile(key, repo.size(key), HexFormat.of().formatHex(sha.digest()));
    }

    /** The stored bytes' SHA-256, read whole. */
    static String checksum(Repository repo, String key) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = repo.open(key); OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
            in.transferTo(sink);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Copies the stored file out, decompressed, to {@code to}. */
    static void fetch(Repository repo, Manifest.StoredFile file, String compression, Path to) throws IOException {
        try (InputStream raw = repo.open(file.key());
                InputStream in = "gzip".equals(compression) ? new GZIPInputStream(raw, 1 << 16) : raw) {
            Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
