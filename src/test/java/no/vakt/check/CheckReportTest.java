package no.vakt.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckReportTest {
    private static final List<Finding> FINDINGS = List.of(
            Finding.ok("log-bin", "oslo-db", "binary log is on"),
            Finding.warning("replication-tls", "bergen-db", "TLS is off", "set replication.tls"),
            Finding.error("server-id", null, "both nodes have server_id 1", "SET GLOBAL server_id = 2"));

    @Test
    void summaryCountsErrorsAndWarnings() {
        assertThat(new CheckReport("c", null, FINDINGS).summary()).isEqualTo("NOT READY: 1 error, 1 warning");
        assertThat(new CheckReport("c", 4L, FINDINGS.subList(0, 2)).summary()).isEqualTo("READY: 0 errors, 1 warning");
    }

    @Test
    void tablePutsTheFixOnAnIndentedSecondLine() {
        String table = new CheckReport("c", null, FINDINGS).table();
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).matches("SEVERITY +NODE +CHECK +MESSAGE");
        int messageColumn = lines.get(0).indexOf("MESSAGE");
        assertThat(lines).contains("ERROR     -          server-id        both nodes have server_id 1");
        String fixLine = lines.get(lines.indexOf("ERROR     -          server-id        both nodes have server_id 1") + 1);
        assertThat(fixLine).isEqualTo(" ".repeat(messageColumn) + "fix: SET GLOBAL server_id = 2");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("NOT READY: 1 error, 1 warning");
    }

    @Test
    void jsonHasTheDocumentedFields() throws Exception {
        var json = new ObjectMapper().readTree(new CheckReport("prod", 12L, FINDINGS).json());
        assertThat(json.get("ready").asBoolean()).isFalse();
        assertThat(json.get("cluster").asText()).isEqualTo("prod");
        assertThat(json.get("errors").asInt()).isEqualTo(1);
        assertThat(json.get("warnings").asInt()).isEqualTo(1);
        assertThat(json.get("canaryArrivalMs").asLong()).isEqualTo(12);
        var ok = json.get("findings").get(0);
        assertThat(ok.fieldNames()).toIterable().containsExactly("id", "severity", "node", "message", "fix");
        assertThat(ok.get("id").asText()).isEqualTo("log-bin");
        assertThat(json.get("findings").get(2).get("node").isNull()).isTrue();
        assertThat(ok.get("fix").isNull()).isTrue();
    }

    @Test
    void evaluateSortsErrorsFirstAndKeepsRuleOrderWithin() {
        var config = States.config();
        var o = States.observations(config, States.primary().set("sync_binlog", "0"),
                States.standby().set("read_only", "OFF").set("skip_name_resolve", "OFF"));
        List<Finding> findings = Preflight.evaluate(config, o);
        assertThat(findings.subList(0, 3)).extracting(Finding::id)
                .containsExactly("sync-binlog", "standby-read-only", "skip-name-resolve");
        assertThat(findings.subList(3, findings.size())).extracting(Finding::severity).doesNotContain(Severity.ERROR);
        assertThat(findings.get(findings.size() - 1).severity()).isEqualTo(Severity.OK);
    }
}
