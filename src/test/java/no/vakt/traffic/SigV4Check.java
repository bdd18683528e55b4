package no.vakt.traffic;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an AWS Signature Version 4 the way AWS documents it ("Create a signed AWS API request", IAM User Guide):
 * canonical request, string to sign, the HMAC key chain from the secret access key. Returns what is wrong, or
 * null when the signature is right.
 */
final class SigV4Check {
    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})");

    record Scope(String accessKeyId, String date, String region, String service) {}

    private SigV4Check() {}

    static Scope scope(String authorization) {
        Matcher m = authorization == null ? null : AUTH.matcher(authorization);
        if (m == null || !m.matches()) return null;
        return new Scope(m.group(1), m.group(2), m.group(3), m.group(4));
    }

    static String verify(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body,
            String expectedKeyId, String secret) {
        String authorization = first(headers, "authorization");
        Matcher m = authorization == null ? null : AUTH.matcher(authorization);
        if (m == null || !m.matches()) return "no AWS4-HMAC-SHA256 Authorization header: " + authorization;
        if (!m.group(1).equals(expectedKeyId)) return "unknown access key id";
        String amzDate = first(headers, "x-amz-date");
        if (amzDate == null || !amzDate.startsWith(m.group(2))) return "X-Amz-Date missing or not the credential's date";
        String scope = m.group(2) + "/" + m.group(3) + "/" + m.group(4) + "/aws4_request";
        String signedHeaders = m.group(5);
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String h : signedHeaders.split(";")) {
            List<String> values = headers.get(h);
            if (values == null) return "signed header " + h + " not sent";
            List<String> trimmed = values.stream().map(v -> v.trim().replaceAll("\\s+", " ")).toList();
            canonicalHeaders.append(h).append(':').append(String.join(",", trimmed)).append('\n');
        }
        if (!List.of(signedHeaders.split(";")).contains("host")) return "host is not a signed header";
        String canonicalRequest = method + "\n" + rawPath + "\n" + canonicalQuery(rawQuery) + "\n" + canonicalHeaders + "\n"
                + signedHeaders + "\n" + hex(sha256(body));
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), m.group(2));
        key = hmac(key, m.group(3));
        key = hmac(key, m.group(4));
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, stringToSign));
        return expected.equals(m.group(6)) ? null : "signature does not match";
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return "";
        TreeMap<String, List<String>> params = new TreeMap<>();
        for (String part : rawQuery.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(encode(k), x -> new ArrayList<>()).add(encode(v));
        }
        List<String> out = new ArrayList<>();
        params.forEach((k, vs) -> vs.stream().sorted().forEach(v -> out.add(k + "=" + v)));
        return String.join("&", out);
    }

    /** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - _ . ~ */
    private static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.' || c == '~') sb.append(c);
            else sb.append('%').append(String.format("%02X", b & 0xff));
        }
        return sb.toString();
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
