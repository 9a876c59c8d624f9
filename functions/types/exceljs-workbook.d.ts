/**
 * exceljs's Workbook on its own (adapters/render/report-export.ts): the package's index also loads the
 * streaming reader and writer (unzipper, bluebird, archiver, glob… ~570 KB minified) that an
 * in-memory workbook written with `xlsx.writeBuffer()` never uses. Same class, same types.
 */
declare module 'exceljs/lib/doc/workbook.js' {
  import type { Workbook } from 'exceljs';

  const WorkbookClass: typeof Workbook;
  export default WorkbookClass;
}
