package no.vakt.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import no.vakt.config.BackupConfig.Compression;

/**
 * A file into the repository, compressed (and encrypted, by a {@link SealedRepository}) and checksummed on the
 * way: the SHA-256 of the stored bytes and of the plain stream; and back out, checked.
 */
final class StoredStream {
    private static final int BUFFER = 1 << 20;

    private StoredStream() {}

    /** The manifest's name of {@code c}, which {@link #fetch} reads back. */
    static String name(Compression c) {
        return c.name().toLowerCase(Locale.ROOT);
    }

    /** The stored file's suffix, as the command-line tools expect it ({@code zstd -d}, {@code gunzip}). */
    static String suffix(Compression c) {
        return switch (c) {
            case ZSTD -> ".zst";
            case GZIP -> ".gz";
            case NONE -> "";
        };
    }

    /** Stores what {@code in} carries until its end (the caller closes it); a failure on either side removes the file. */
    static Manifest.StoredFile store(InputStream in, Repository repo, String key, Compression compression) throws IOException {
        MessageDigest stored = sha256();
        MessageDigest plain = sha256();
        UnaryOperator<OutputStream> tap = o -> new DigestOutputStream(o, stored);
        OutputStream target = repo instanceof SealedRepository s ? s.create(key, tap) : tap.apply(repo.create(key));
        try (OutputStream packed = pack(target, compression);
                OutputStream out = new DigestOutputStream(packed, plain)) {
            copy(in, out);
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

    /** What one read of a stored file saw: the SHA-256 of its stored bytes and of the plain stream. */
    record Fetched(String storedSha256, String plainSha256) {}

    /** Copies the stored file out, decrypted and decompressed, to {@code to} (left open), both checksums on the one read. */
    static Fetched fetch(Repository repo, Manifest.StoredFile file, String compression, OutputStream to) throws IOException {
        MessageDigest stored = sha256();
        MessageDigest plain = sha256();
        List<InputStream> tapped = new ArrayList<>(1);
        UnaryOperator<InputStream> tap = in -> {
            InputStream t = new DigestInputStream(in, stored);
            tapped.add(t);
            return t;
        };
        try (InputStream raw = repo instanceof SealedRepository s ? s.open(file.key(), tap) : tap.apply(repo.open(file.key()));
                InputStream unpacked = unpack(raw, compression);
                InputStream in = new DigestInputStream(unpacked, plain)) {
            copy(in, to);
            // The checksum covers the whole file, also what the decoders had no use for.
            tapped.get(0).transferTo(OutputStream.nullOutputStream());
        }
        return new Fetched(hex(stored), hex(plain));
    }

    /**
     * zstd at its default level with a worker per core (the stream is compressed in parallel jobs);
     * gzip, kept for operators whose tools want it, at level 1: its one thread is the bottleneck of a take.
     */
    private static OutputStream pack(OutputStream to, Compression compression) throws IOException {
        return switch (compression) {
            case ZSTD -> new ZstdOutputStreamNoFinalizer(to).setChecksum(true) // as the zstd tool writes: it checks on its own
                    .setWorkers(Runtime.getRuntime().availableProcessors());
            case GZIP -> new GZIPOutputStream(to, BUFFER) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
            case NONE -> to;
        };
    }

    /** By the manifest's name, so that every backup taken before zstd (gzip) stays readable. */
    private static InputStream unpack(InputStream raw, String compression) throws IOException {
        return switch (compression) {
            case "zstd" -> new ZstdInputStreamNoFinalizer(raw);
            case "gzip" -> new GZIPInputStream(raw, BUFFER);
            case "none" -> raw;
            default -> throw new IOException("unknown compression \"" + compression + "\" (a newer Vakt's backup?)");
        };
    }

    /** Large reads and writes: per-call costs (JNI, digests, the repository's stream) stay small. */
    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[BUFFER];
        for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
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
