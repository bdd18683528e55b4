package no.vakt.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small pure pieces: record value comparison, output scrubbing, the HAProxy state parser. */
class TrafficValuesTest {
    @Test
    void recordValuesCompareLikeDns() {
        assertThat(RecordValues.same("AAAA", "2001:db8::1", "2001:0db8:0:0:0:0:0:1")).isTrue();
        assertThat(RecordValues.same("CNAME", "Primary.Example.com.", "primary.example.com")).isTrue();
        assertThat(RecordValues.same("A", "192.0.2.1", "192.0.2.10")).isFalse();
        assertThat(RecordValues.problem("A", "db.example.com")).contains("expected an IPv4 address");
        assertThat(RecordValues.problem("A", "192.0.2.300")).isNotNull();
        assertThat(RecordValues.problem("AAAA", "2001:db8::1")).isNull();
    }

    @Test
    void scrubberKeepsTheTailAndHidesCredentials() {
        String out = "line1\nline2\nline3\n\u001b[31mred\u001b[0m\npassword=hunter22 token: 'a b c'\nhttps://user:pw@host/x\nlast";
        String s = OutputScrubber.tail(out, List.of("line1"));
        assertThat(s).isEqualTo("line3 | red | password=[redacted] token: [redacted] | https://[redacted]@host/x | last");
        assertThat(OutputScrubber.tail("x".repeat(2000), List.of())).hasSize(OutputScrubber.MAX_CHARS + 3).startsWith("...");
        assertThat(OutputScrubber.tail("using secret s3cr3t-value", List.of("s3cr3t-value"))).isEqualTo("using secret [redacted]");
    }

    @Test
    void haproxyStateParserReadsColumnsByName() {
        String answer = """
                1
                # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight
                3 db 1 oslo 127.0.0.1 2 0 1
                3 db 2 bergen 127.0.0.2 2 4 1
                3 db 3 spare 127.0.0.3 0 1 1
                3 db 4 leaving 127.0.0.4 2 8 1

                """;
        Map<String, HaproxyServerState> states = HaproxyServerState.parse(answer, "db");
        assertThat(states.keySet()).containsExactly("oslo", "bergen", "spare", "leaving");
        // admin state 4 alone only records "disabled in the config"; "state ready" left it UP
        assertThat(states.get("bergen").label()).isEqualTo("UP");
        assertThat(states.get("spare").label()).isEqualTo("MAINT");
        assertThat(states.get("leaving").label()).isEqualTo("DRAIN");
        assertThat(HaproxyServerState.parse("Can't find backend.\n\n", "db")).isNull();
    }
}
