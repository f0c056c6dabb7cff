/**
 * The extension's icon (a form with a play mark), themed by JupyterLab's `jp-icon3` class.
 */
import { LabIcon } from '@jupyterlab/ui-components';

import intervalSvg from '../style/icons/interval.svg';

/** The icon of the Interval sidebar, run tabs and palette entries. */
export const intervalIcon = new LabIcon({ name: 'interval-nb:interval', svgstr: intervalSvg });
