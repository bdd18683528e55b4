package no.vakt.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import no.vakt.cli.Main;
import picocli.CommandLine;

/** Runs the CLI in-process and captures what it prints, the way an operator would see it. */
public record Cli(int exitCode, String out, String err) {
    public static Cli run(String... args) {
        return run(new StringWriter(), new StringWriter(), args);
    }

    /** Prints into the given writers, which a test may read while the command runs ({@link RunningDaemon}). */
    static Cli run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }
}
