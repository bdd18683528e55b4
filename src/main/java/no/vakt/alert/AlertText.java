package no.vakt.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** How an alert reads in each medium: plain text (mail, SMS), JSON (webhooks, commands), Slack blocks. */
final class AlertText {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Slack: a section's text may hold at most 3000 characters. */
    private static final int SLACK_SECTION_MAX = 3000;

    private AlertText() {}

    /** The fields every medium carries, in reading order; values never null. */
    static Map<String, String> fields(Alert a, String id, Instant at) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", id);
        f.put("time", at.toString());
        f.put("cluster", a.cluster() == null ? "" : a.cluster());
        f.put("severity", a.severity().name());
        f.put("kind", a.kind().label());
        f.put("node", a.node() == null ? "" : a.node());
        f.put("event", a.event());
        f.put("evidence", a.evidence());
        f.put("action", a.action());
        f.put("link", a.link() == null ? "" : a.link());
        return f;
    }

    static String plain(Alert a, Instant at) {
        StringBuilder b = new StringBuilder(a.headline()).append("\n\n");
        if (!a.evidence().isEmpty()) b.append("What Vakt saw: ").append(a.evidence()).append("\n\n");
        if (!a.action().isEmpty()) b.append("What to do / what Vakt did: ").append(a.action()).append("\n\n");
        if (a.link() != null) b.append("Dashboard: ").append(a.link()).append("\n\n");
        b.append("Kind: ").append(a.kind().label());
        if (a.node() != null) b.append(", node ").append(a.node());
        b.append(", at ").append(at).append('\n');
        return b.toString();
    }

    /** One line, for SMS gateways: headline, then the action. */
    static String shortText(Alert a) {
        return a.action().isEmpty() ? a.headline() : a.headline() + " | " + a.action();
    }

    static byte[] json(Alert a, String id, Instant at) {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", 1);
        fields(a, id, at).forEach((k, v) -> {
            if (v.isEmpty() && (k.equals("node") || k.equals("link"))) o.putNull(k);
            else o.put(k, v);
        });
        o.put("headline", a.headline());
        return write(o);
    }

    /**
     * An incoming-webhook message: {@code text} is the fallback shown in notifications, {@code blocks}
     * the message itself (Slack's documented payload for incoming webhooks).
     */
    static byte[] slack(Alert a, Instant at) {
        ObjectNode o = JSON.createObjectNode();
        o.put("text", slackEscape(a.headline()));
        ArrayNode blocks = o.putArray("blocks");
        section(blocks, "*" + slackEscape(a.headline()) + "*");
        if (!a.evidence().isEmpty()) section(blocks, "*What Vakt saw:* " + slackEscape(a.evidence()));
        if (!a.action().isEmpty()) section(blocks, "*What to do / what Vakt did:* " + slackEscape(a.action()));
        if (a.link() != null) section(blocks, "<" + a.link().replace("|", "%7C").replace(">", "%3E") + "|Open the Vakt dashboard>");
        ObjectNode context = blocks.addObject();
        context.put("type", "context");
        ObjectNode el = context.putArray("elements").addObject();
        el.put("type", "mrkdwn");
        el.put("text", slackEscape(a.kind().label() + (a.node() == null ? "" : " · " + a.node()) + " · " + at));
        return write(o);
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        ObjectNode s = blocks.addObject();
        s.put("type", "section");
        ObjectNode t = s.putObject("text");
        t.put("type", "mrkdwn");
        t.put("text", mrkdwn.length() <= SLACK_SECTION_MAX ? mrkdwn : mrkdwn.substring(0, SLACK_SECTION_MAX - 3) + "...");
    }

    /** Slack's three control characters in message text (its "Formatting text" guide). */
    static String slackEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static byte[] write(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write an alert as JSON", e);
        }
    }
}
