/**
 * {@code sb}, the Switchboard command line: list, describe, call and health-check any gRPC server.
 *
 * <p>{@link dev.switchboard.cli.Sb} is the entry point ({@code run(out, err, args)}, with {@code
 * System.exit} only in {@code main}). Each subcommand is a thin shell: it parses arguments, calls
 * the contract and runtime modules, and formats the result. {@code Failures} maps every exception
 * to an exit code and a message in one place.
 */
@NullMarked
package dev.switchboard.cli;

import org.jspecify.annotations.NullMarked;
