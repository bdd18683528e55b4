package no.vakt.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A secret given by reference only: a file or an environment variable. The value is read when
 * needed and never kept in the config, so it cannot leak through toString, logs or the journal.
 */
public record SecretRef(Path file, String env) {

    /**
     * The secret a config section gives as {@code KEY-file} or {@code KEY-env}: exactly one of them, never
     * inline ({@code KEY:}, the value itself); the one place that rule is checked. Without either it is
     * refused when {@code required}, else null.
     */
    public static SecretRef given(String key, Path file, String env, Object inline, boolean required) {
        if (inline != null) {
            throw new IllegalArgumentException("secrets are given by reference only: use " + key + "-file: PATH or "
                    + key + "-env: VARIABLE instead of " + key + ":");
        }
        if (file != null && env != null) {
            throw new IllegalArgumentException("expected either " + key + "-file or " + key + "-env, not both");
        }
        if (file == null && (env == null || env.isBlank())) {
            if (required) throw new IllegalArgumentException("expected " + key + "-file: PATH or " + key + "-env: VARIABLE");
            return null;
        }
        return file != null ? ofFile(file) : ofEnv(env);
    }

    public static SecretRef ofFile(Path file) {
        return new SecretRef(file, null);
    }

    public static SecretRef ofEnv(String env) {
        return new SecretRef(null, env);
    }

    /** Reads the secret; trailing newlines of a file are dropped. */
    public String resolve() {
        return resolve(System.getenv());
    }

    public String resolve(Map<String, String> environment) {
        if (file != null) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", "");
            } catch (IOException e) {
                throw new SecretUnavailableException("cannot read secret file " + file + ": " + e.getMessage());
            }
        }
        String value = environment.get(env);
        if (value == null) {
            throw new SecretUnavailableException("environment variable " + env + " is not set");
        }
        return value;
    }

    /** A warning when the secret file can be read by group or others, empty otherwise. */
    public Optional<String> permissionProblem() {
        if (file == null || !Files.exists(file)) return Optional.empty();
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                return Optional.of("secret file " + file + " is readable by group/others");
            }
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return file != null ? "file:" + file : "env:" + env;
    }

    public static final class SecretUnavailableException extends RuntimeException {
        public SecretUnavailableException(String message) {
            super(message);
        }
    }
}
