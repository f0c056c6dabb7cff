/** SVG files are bundled as strings (JupyterLab's builder uses raw loading for `.svg`). */
declare module '*.svg' {
  const value: string;
  export default value;
}
