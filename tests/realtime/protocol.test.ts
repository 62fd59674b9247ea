import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as syncProtocol from "y-protocols/sync";
import { decodeClientFrame, MESSAGE_SYNC, updateFrame } from "../../realtime/protocol";

/* The update frame the server writes itself must be byte for byte what y-protocols writes. */
describe("the update frame", () => {
  it("is what y-protocols encodes, for lengths around every varint boundary", () => {
    for (const length of [0, 1, 127, 128, 129, 16_383, 16_384, 16_385, 2_097_151, 2_097_152]) {
      const update = Uint8Array.from({ length }, (_, i) => (i * 7) % 251);
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      expect(Buffer.from(updateFrame(update)).equals(encoding.toUint8Array(encoder))).toBe(true);
    }
  });

  it("decodes as the update it carries", () => {
    // An empty Yjs update: no structs, an empty delete set.
    const update = Uint8Array.of(0, 0);
    const frame = decodeClientFrame(updateFrame(update));
    expect(frame).toEqual({ type: "update", update });
  });
});
