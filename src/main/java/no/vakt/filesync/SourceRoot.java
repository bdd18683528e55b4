package no.vakt.filesync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the source directory looks like before deletes are allowed to follow it: an unmounted disk or a
 * failed restore must never look like "the user deleted everything".
 */
public enum SourceRoot {
    /** A directory with entries (and mounted, when the config asks for a mount point). */
    PRESENT("present"),
    MISSING("missing"),
    NOT_A_DIRECTORY("not a directory"),
    EMPTY("empty"),
    NOT_MOUNTED("not a mount point"),
    UNREADABLE("unreadable");

    private final String label;

    SourceRoot(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    static SourceRoot observe(Path root, boolean requireMount) {
        if (!Files.exists(root)) return MISSING;
        if (!Files.isDirectory(root)) return NOT_A_DIRECTORY;
        try {
            if (requireMount) {
                Object dev = Files.getAttribute(root, "unix:dev");
                Path parent = root.toAbsolutePath().getParent();
                if (parent != null && dev.equals(Files.getAttribute(parent, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                    return NOT_MOUNTED;
                }
            }
            try (Stream<Path> s = Files.list(root)) {
                return s.findAny().isPresent() ? PRESENT : EMPTY;
            }
        } catch (IOException | RuntimeException e) {
            return UNREADABLE;
        }
    }
}
