/**
 * Dynamic stubs: call the functions of a generated WIT package with WIT values, and the bridge
 * makes the real gRPC or HTTP call the {@link dev.switchboard.wit.Binding} describes.
 *
 * <p>A tour: {@link dev.switchboard.bridge.WitTypes} resolves a Binding's types and functions;
 * {@link dev.switchboard.bridge.WitValue} is the value model, checked against those types; {@link
 * dev.switchboard.bridge.Wave} and {@link dev.switchboard.bridge.WitJson} are its two text forms.
 * {@link dev.switchboard.bridge.Bridge#open} gives a {@link dev.switchboard.bridge.Stub} configured
 * by one {@link dev.switchboard.bridge.BridgeConfig}; every call goes through a chain of {@link
 * dev.switchboard.bridge.CallInterceptor}s, the seam where recording, replay and idempotency keys
 * plug in without touching the network code. Opened on a durable {@code Worker}, a stub records
 * each call in the worker's oplog and replays it after a crash ({@link
 * dev.switchboard.bridge.TransientFailureException} for an answer that must not be recorded);
 * {@link dev.switchboard.bridge.Bridge#replay} re-checks a history. Everything else is in {@code
 * internal}.
 */
@NullMarked
package dev.switchboard.bridge;

import org.jspecify.annotations.NullMarked;
