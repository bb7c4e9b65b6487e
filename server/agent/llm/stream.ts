import { checkGrounding, splitSentences, type GroundingOptions } from '../grounding.ts';
import type { ToolCallRecord } from '../types.ts';

/**
 * Streams the model's text sentence by sentence, holding back any sentence with a number that no tool returned so
 * far. So a client showing tokens live never displays an invented number, even before the final grounding check
 * (whose `answer` event is authoritative and replaces the streamed text).
 */
export class SentenceGate {
  private buffer = '';

  constructor(
    private readonly toolCalls: readonly ToolCallRecord[],
    private readonly opts: GroundingOptions,
    private readonly emit: (text: string) => void,
  ) {}

  push(text: string): void {
    if (!text) return;
    this.buffer += text;
    const sentences = splitSentences(this.buffer);
    // The last piece may be an unfinished sentence (or number): keep it until more text or the end arrives.
    this.buffer = sentences.pop() ?? '';
    for (const s of sentences) this.release(s);
  }

  flush(): void {
    if (this.buffer) this.release(this.buffer);
    this.buffer = '';
  }

  private release(sentence: string): void {
    if (checkGrounding(sentence, this.toolCalls, this.opts).grounded) this.emit(sentence);
  }
}
