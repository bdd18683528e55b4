package no.vakt.filesync;

import java.nio.file.Path;

/**
 * One directory kept in sync.
 *
 * @param path the directory on the node configured as primary
 * @param target the same directory on the node configured as standby
 * @param requireMount when true, the source must be a mount point (its device differs from its
 *     parent's); an unmounted source is then never taken for an emptied one
 */
public record SyncDirectory(Path path, Path target, Boolean requireMount) {
    public SyncDirectory {
        if (path == null) throw new IllegalArgumentException("files.directories: expected path: (the directory on the primary's node)");
        if (target == null) throw new IllegalArgumentException("files.directories: expected target: (the directory on the standby's node)");
        requireMount = requireMount != null && requireMount;
    }

    /** The directory on {@code node}'s side: {@code path} for the configured primary, {@code target} for the standby. */
    public Path on(boolean configuredPrimary) {
        return configuredPrimary ? path : target;
    }
}
