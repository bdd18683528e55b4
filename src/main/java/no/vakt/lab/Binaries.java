package no.vakt.lab;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds external programs on PATH and in the sbin directories Debian uses for daemons. */
public final class Binaries {
    private static final List<String> EXTRA = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");

    private Binaries() {}

    public static Optional<String> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (path + File.pathSeparator + String.join(File.pathSeparator, EXTRA)).split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return Optional.of(p.toString());
        }
        return Optional.empty();
    }

    public static String require(String program) {
        return find(program).orElseThrow(() -> new MissingProgramException(program));
    }

    public static final class MissingProgramException extends RuntimeException {
        public MissingProgramException(String program) {
            super(program + " is not installed (on Debian: apt-get install mariadb-server mariadb-client rsync openssh-client)");
        }
    }
}
