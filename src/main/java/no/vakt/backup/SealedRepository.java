package no.vakt.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A repository whose every file is encrypted ({@link OpenPgpSealing}): base backups, manifests and the binlog
 * archive alike, so that whatever reads or writes through {@link Repository} needs no change. Sizes and
 * {@link #stored} are of the encrypted bytes, which the manifest's checksums cover.
 */
public final class SealedRepository implements Repository {
    private final Repository stored;
    private final OpenPgpSealing sealing;

    SealedRepository(Repository stored, OpenPgpSealing sealing) {
        this.stored = stored;
        this.sealing = sealing;
    }

    /** The same files, as stored (encrypted). */
    public Repository stored() {
        return stored;
    }

    @Override
    public OutputStream create(String key) throws IOException {
        return sealing.seal(stored.create(key));
    }

    /** As {@link #create}, with {@code tap} between the encryption and the stored file (a checksum of what is stored). */
    OutputStream create(String key, UnaryOperator<OutputStream> tap) throws IOException {
        return sealing.seal(tap.apply(stored.create(key)));
    }

    @Override
    public InputStream open(String key) throws IOException {
        return open(key, UnaryOperator.identity());
    }

    /** As {@link #open}, with {@code tap} between the stored file and the decryption (a checksum of what is stored). */
    InputStream open(String key, UnaryOperator<InputStream> tap) throws IOException {
        InputStream in = tap.apply(stored.open(key));
        try {
            return sealing.unseal(in);
        } catch (IOException e) {
            in.close();
            throw new IOException(key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        return stored.exists(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        return stored.list(prefix);
    }

    @Override
    public long size(String key) throws IOException {
        return stored.size(key);
    }

    @Override
    public void delete(String key) throws IOException {
        stored.delete(key);
    }

    @Override
    public String describe() {
        return stored.describe() + " (encrypted)";
    }
}
