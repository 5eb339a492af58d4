/**
 * Contracts loaded at run time.
 *
 * <p>A contract comes from {@code .proto} source, a descriptor set, a live server's reflection, or
 * an OpenAPI document. It is loaded once into a {@link dev.switchboard.contract.ContractSet}, and
 * every other module reads that model. Problems are collected with their locations and thrown
 * together as a {@link dev.switchboard.contract.ContractException}.
 */
@NullMarked
package dev.switchboard.contract;

import org.jspecify.annotations.NullMarked;
