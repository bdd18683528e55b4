package no.vakt.check;

/** A table and the storage engine that holds it, as information_schema.TABLES reports them. */
public record TableEngine(String schema, String table, String engine) {
    /** schema.table */
    public String name() {
        return schema + "." + table;
    }

    /** schema.table (ENGINE) */
    @Override
    public String toString() {
        return name() + " (" + engine + ")";
    }
}
