package no.vakt.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the external programs Vakt runs (the MariaDB client tools, rsync, ssh) on PATH and in the sbin
 * directories Debian uses for daemons, which a service's PATH may lack.
 */
public final class Programs {
    private static final List<String> EXTRA = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");

    private Programs() {}

    /** The executable's path, or empty when it is not installed. */
    public static Optional<String> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (path + File.pathSeparator + String.join(File.pathSeparator, EXTRA)).split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return Optional.of(p.toString());
        }
        return Optional.empty();
    }

    /**
     * The executable's path.
     *
     * @param debianPackage the package that provides it, named in the error
     * @throws MissingProgramException when it is not installed
     */
    public static String require(String program, String debianPackage) {
        return find(program).orElseThrow(() -> new MissingProgramException(
                program + " is not installed (on Debian: apt-get install " + debianPackage + ")"));
    }

    /** A program Vakt needs is not installed; the message names the package to install. */
    public static final class MissingProgramException extends RuntimeException {
        public MissingProgramException(String message) {
            super(message);
        }
    }
}
