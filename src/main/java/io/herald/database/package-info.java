/**
 * PostgreSQL as Herald finds it: the embedded server ({@code EmbeddedPostgres}: one data directory, fsync on,
 * started and stopped when Herald says), connection options, and the schema ({@code Migrations}: numbered scripts
 * in {@code db/}, each run once in its own transaction under an advisory lock, so several nodes may start against one
 * database at once). A script that has run is never edited; {@code MigrationsIT} holds each upgrade to the data
 * written before it.
 */
package io.herald.database;
