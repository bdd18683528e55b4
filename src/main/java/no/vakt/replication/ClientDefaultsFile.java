package no.vakt.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A 0600 option file with {@code [client] user/password} for mariadb and mariadb-dump, so the
 * password never appears on a command line (visible in ps). Created readable by the owner only from
 * the start, and deleted on close.
 */
public final class ClientDefaultsFile implements AutoCloseable {
    private final Path file;

    private ClientDefaultsFile(Path file) {
        this.file = file;
    }

    public static ClientDefaultsFile write(String user, String password) throws IOException {
        if (password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0 || user.indexOf('\n') >= 0) {
            throw new IOException("a password or user with a line break cannot be passed in an option file");
        }
        Path file = Files.createTempFile("vakt-client-", ".cnf",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(file, render(user, password), StandardCharsets.UTF_8);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new ClientDefaultsFile(file);
    }

    static String render(String user, String password) {
        return "[client]\nuser=" + quote(user) + "\npassword=" + quote(password) + "\n";
    }

    /** Option-file values in double quotes, with backslash and quote escaped. */
    static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public Path path() {
        return file;
    }

    /** The argument the client tools need first on their command line. */
    public String argument() {
        return "--defaults-extra-file=" + file;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
