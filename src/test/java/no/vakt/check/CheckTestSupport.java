package no.vakt.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import no.vakt.testing.Cli;
import no.vakt.testing.TestPair;

/** Runs {@code vakt check --json} and reads the answer. */
final class CheckTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckTestSupport() {}

    record Result(int exitCode, JsonNode json, String raw) {
        boolean ready() {
            return json.get("ready").asBoolean();
        }

        List<JsonNode> findings(String id) {
            List<JsonNode> out = new ArrayList<>();
            json.get("findings").forEach(f -> {
                if (f.get("id").asText().equals(id)) out.add(f);
            });
            return out;
        }

        /** The single finding with this id (and node, when given) that is not OK. */
        JsonNode problem(String id, String node) {
            List<JsonNode> hits = findings(id).stream()
                    .filter(f -> !f.get("severity").asText().equals("OK"))
                    .filter(f -> node == null || node.equals(f.get("node").asText(null)))
                    .toList();
            assertThat(hits).as("findings %s on %s in %s", id, node, raw).hasSize(1);
            return hits.get(0);
        }

        void assertProblem(String id, String node, Severity severity) {
            assertThat(problem(id, node).get("severity").asText()).as(raw).isEqualTo(severity.name());
        }

        List<String> errorIds() {
            List<String> out = new ArrayList<>();
            json.get("findings").forEach(f -> {
                if (f.get("severity").asText().equals("ERROR")) out.add(f.get("id").asText());
            });
            return out;
        }
    }

    static Result check(Path config, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("check", "--config", config.toString(), "--json"));
        args.addAll(List.of(extra));
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertThat(cli.err()).as("stderr").isEmpty();
        return new Result(cli.exitCode(), JSON.readTree(cli.out()), cli.out());
    }

    /** A variant of the pair's config in a new file, leaving the shared one untouched. */
    static Path variant(TestPair pair, String name, UnaryOperator<String> edit) throws Exception {
        Path file = pair.dir.resolve(name + ".yml");
        Files.writeString(file, edit.apply(Files.readString(pair.configFile)));
        return file;
    }
}
