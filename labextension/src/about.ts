/**
 * The "About" dialog: how to use Interval NB from notebooks and from the sidebar.
 */
import { Widget } from '@lumino/widgets';

/**
 * Build the body of the "About" dialog with plain DOM nodes
 * (textContent only, no innerHTML).
 */
export function createAboutBody(): Widget {
  const node = document.createElement('div');
  node.className = 'inb-about';

  const para = (text: string, className?: string): HTMLParagraphElement => {
    const p = document.createElement('p');
    p.textContent = text;
    if (className) {
      p.className = className;
    }
    return p;
  };

  const code = (text: string): HTMLElement => {
    const c = document.createElement('code');
    c.textContent = text;
    return c;
  };

  const item = (...parts: (string | HTMLElement)[]): HTMLLIElement => {
    const li = document.createElement('li');
    li.append(...parts);
    return li;
  };

  const steps = document.createElement('ol');
  steps.append(
    item(
      'Define an action in a cell: an async function decorated with ',
      code('@actions.action'),
      ' (example below).'
    ),
    item(
      'Start it by running ',
      code('my_action.start()'),
      ' in a cell and answer its prompts in the widget below the cell.'
    ),
    item(
      'Lost the output (cleared or closed the cell)? Run ',
      code('inb.runs()'),
      ' to re-display the live runs.'
    ),
    item(
      'Actions the server serves (',
      code('c.IntervalNB.actions'),
      ') are in the Interval sidebar: click one to run it in a tab; the Runs section keeps the history.'
    )
  );
  node.appendChild(steps);

  const example = document.createElement('pre');
  example.textContent = [
    'import interval_nb as inb',
    'actions = inb.Actions()',
    '',
    '@actions.action',
    'async def my_action(io, ctx):',
    '    name = await io.input.text("Your name")',
    '    return f"Hello, {name}!"',
    '',
    'my_action.start()   # start a run',
    'inb.runs()          # re-display the live runs'
  ].join('\n');
  node.appendChild(example);

  node.appendChild(
    para(
      'Runs live in the kernel: restarting it ends them.',
      'inb-about-hint'
    )
  );

  return new Widget({ node });
}
