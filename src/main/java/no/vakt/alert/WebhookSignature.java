package no.vakt.alert;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook delivery: {@code X-Vakt-Signature: sha256=HEX}, HEX being the lower-case
 * HMAC-SHA256 under the shared key of {@code TIMESTAMP + "." + BODY} (the bytes as sent), TIMESTAMP the
 * {@code X-Vakt-Timestamp} header (Unix seconds). A receiver recomputes it, compares in constant time,
 * and refuses timestamps older than a few minutes, so a recorded request cannot be replayed later.
 */
public final class WebhookSignature {
    public static final String SIGNATURE_HEADER = "X-Vakt-Signature";
    public static final String TIMESTAMP_HEADER = "X-Vakt-Timestamp";
    public static final String ID_HEADER = "X-Vakt-Delivery";

    private WebhookSignature() {}

    /** {@code sha256=HEX}. */
    public static String sign(byte[] key, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return "sha256=" + hex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** What a Java receiver does: true when {@code header} is the signature of this timestamp and body. */
    public static boolean verify(byte[] key, long timestamp, byte[] body, String header) {
        if (header == null) return false;
        return MessageDigest.isEqual(sign(key, timestamp, body).getBytes(StandardCharsets.US_ASCII),
                header.trim().getBytes(StandardCharsets.US_ASCII));
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        return b.toString();
    }
}
