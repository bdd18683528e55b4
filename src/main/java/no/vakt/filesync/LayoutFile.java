package no.vakt.filesync;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import no.vakt.config.VaktConfig;

/**
 * {@code .vakt/filesync-layout.json} next to the config: the {@link DirectoryLayout} record, which node
 * each synced path belongs to. Written the first time file sync runs or changes direction (the daemon,
 * {@code vakt sync}, a failover's handover, {@code vakt rejoin}, {@code vakt switchover}); read by all of
 * them and by {@code vakt check}. Deleting it makes Vakt record the config's layout afresh.
 */
public final class LayoutFile {
    static final String NAME = "filesync-layout.json";

    private final LockedJson<DirectoryLayout.Recorded> file;

    private LayoutFile(Path file) {
        this.file = new LockedJson<>(file, DirectoryLayout.Recorded.class, DirectoryLayout.Recorded.NONE);
    }

    /** The record next to the config {@code config} was read from; empty when that is unknown. */
    public static Optional<LayoutFile> of(VaktConfig config) {
        Path dir = config.files().stateDir();
        return dir == null ? Optional.empty() : Optional.of(new LayoutFile(dir.resolve(NAME)));
    }

    Path path() {
        return file.file();
    }

    /** The configured directories against the record, changing nothing ({@code vakt check}). */
    public DirectoryLayout.Verdict judge(VaktConfig config, String where, Instant now) {
        return DirectoryLayout.judge(config, file.read(), where, now);
    }

    /**
     * The configured directories against the record; the usable ones are recorded (the first time, or
     * when a path changed on the same node). Refused ones change nothing.
     */
    public DirectoryLayout.Verdict learn(VaktConfig config, String where, Instant now) {
        DirectoryLayout.Verdict[] out = new DirectoryLayout.Verdict[1];
        file.update(before -> {
            out[0] = DirectoryLayout.judge(config, before, where, now);
            DirectoryLayout.Recorded learned = out[0].learned();
            return learned.directories().equals(before.directories()) && config.cluster().equals(before.cluster())
                    ? before : learned;
        });
        return out[0];
    }

    /** True when a record exists for any directory. */
    public boolean recorded() {
        return !file.read().directories().isEmpty();
    }
}
