package no.vakt.replication;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The mysql_native_password hash ({@code *} + SHA1(SHA1(password)) in upper-case hex). Vakt creates
 * the replication account with {@code IDENTIFIED BY PASSWORD '<hash>'} and compares hashes to tell
 * whether the password is in sync, so the plain password never appears in those statements.
 */
public final class NativePassword {
    private NativePassword() {}

    public static String hash(String password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] once = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            byte[] twice = sha1.digest(once);
            return "*" + HexFormat.of().withUpperCase().formatHex(twice);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
