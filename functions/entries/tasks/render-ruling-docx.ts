import { renderRulingDocx } from '../../adapters/render/ruling-docx.ts';
import { defineRenderer } from '../../lib/render-payload.ts';
import type { RenderModels } from '../../ports/renderer.ts';
import { renderRulingDocx as spec } from '../../tasks/render-specs.ts';

/** The ruling's .docx from the model getRuling built (the ruling and its court and case number). */
export { spec };
export const handler = defineRenderer<RenderModels['renderRulingDocx']>(({ ruling, meta }) =>
  renderRulingDocx(ruling, meta),
);
