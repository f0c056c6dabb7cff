/**
 * interval-nb for JupyterLab: the Interval sidebar (actions and run history), a tab per run
 * drawn by the same renderer as notebooks, and command-palette entries for every action.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  MainAreaWidget,
  Notification,
  showDialog,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IDisposable } from '@lumino/disposable';

import { createAboutBody } from './about';
import { IntervalApi } from './client/api';
import { labConnection } from './labconnection';
import { intervalIcon } from './icons';
import { RunPanel } from './runpanel';
import { CommandIDs, IntervalSidebar } from './sidebar';

const PALETTE_CATEGORY = 'Interval';

/**
 * The interval-nb frontend plugin.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'interval-nb:plugin',
  description: 'Interval actions in JupyterLab: a sidebar of actions and runs, a tab per run.',
  autoStart: true,
  optional: [ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    if (app.name === 'Voila') {
      // Voilà loads installed labextensions too, but a dashboard has no sidebar, and
      // standalone Voilà has no interval API: dashboards use the launcher widget instead.
      return;
    }
    const api = new IntervalApi(labConnection());
    const { commands, shell } = app;
    const tracker = new WidgetTracker<MainAreaWidget<RunPanel>>({ namespace: 'interval-nb-run' });
    const sidebar = new IntervalSidebar({ api, commands });
    shell.add(sidebar, 'left', { rank: 650, type: 'Interval' });

    /** Open (or bring forward) the tab of a run. */
    const openRun = (id: string, label?: string): MainAreaWidget<RunPanel> => {
      const open = tracker.find(w => w.content.runId === id);
      if (open) {
        shell.activateById(open.id);
        return open;
      }
      const content = new RunPanel({ api, runId: id, label });
      const widget = new MainAreaWidget({ content, reveal: content.load() });
      widget.id = `inb-run-${id}`;
      widget.title.icon = intervalIcon;
      widget.addClass('inb-run-tab');
      content.statusChanged.connect((_, run) => {
        sidebar.refreshRuns();
        if (run.redirect?.run_id) {
          openRun(run.redirect.run_id); // ctx.redirect: the next action continues in a new tab
        }
      });
      void tracker.add(widget);
      shell.add(widget, 'main');
      shell.activateById(widget.id);
      return widget;
    };

    commands.addCommand(CommandIDs.runAction, {
      label: args => (args.name ? `Run “${args.name}”` : 'Run an Interval action'),
      caption: args => `Start a run of ${args.name ?? args.slug} in a new tab`,
      icon: intervalIcon,
      execute: async args => {
        const slug = String(args.slug ?? '');
        if (!slug) {
          shell.activateById(sidebar.id);
          return;
        }
        try {
          const run = await api.start(slug);
          sidebar.refreshRuns();
          return openRun(run.id, run.title);
        } catch (err) {
          Notification.error(
            `Could not start ${args.name ?? slug}: ${err instanceof Error ? err.message : err}`,
            { autoClose: 8000 }
          );
        }
      }
    });

    commands.addCommand(CommandIDs.openRun, {
      label: args => (args.label ? `Open run “${args.label}”` : 'Open an Interval run'),
      icon: intervalIcon,
      execute: args => {
        const id = String(args.id ?? '');
        return id ? openRun(id, args.label ? String(args.label) : undefined) : undefined;
      }
    });

    commands.addCommand(CommandIDs.startRun, {
      label: args => (args.label ? `Start queued run “${args.label}”` : 'Start a queued Interval run'),
      caption: 'Start the queued run as you, in its tab',
      icon: intervalIcon,
      execute: async args => {
        const id = String(args.id ?? '');
        if (id) {
          await openRun(id, args.label ? String(args.label) : undefined).content.start();
          sidebar.refreshRuns();
        }
      }
    });

    commands.addCommand(CommandIDs.refresh, {
      label: 'Refresh Interval actions and runs',
      execute: () => sidebar.refresh()
    });

    commands.addCommand(CommandIDs.openApp, {
      label: 'Open Interval as an app',
      caption: 'The kernel-free app page at {base_url}interval/, in a new browser tab',
      execute: () => window.open(api.appUrl(), '_blank', 'noopener')
    });

    commands.addCommand(CommandIDs.showSidebar, {
      label: 'Show Interval actions',
      icon: intervalIcon,
      execute: () => shell.activateById(sidebar.id)
    });

    commands.addCommand(CommandIDs.about, {
      label: 'About Interval NB',
      caption: 'How to start and re-display Interval NB actions',
      execute: async () => {
        await showDialog({
          title: 'Interval NB: internal tools in your notebook',
          body: createAboutBody(),
          buttons: [Dialog.okButton({ label: 'Close' })]
        });
      }
    });

    // One palette entry per action, rebuilt whenever the actions are (re)loaded.
    let actionItems: IDisposable[] = [];
    if (palette) {
      for (const command of [CommandIDs.showSidebar, CommandIDs.openApp, CommandIDs.refresh, CommandIDs.about]) {
        palette.addItem({ command, category: PALETTE_CATEGORY });
      }
      sidebar.actionsLoaded.connect((_, actions) => {
        actionItems.forEach(item => item.dispose());
        actionItems = actions.map(action =>
          palette.addItem({
            command: CommandIDs.runAction,
            args: { slug: action.slug, name: action.name },
            category: PALETTE_CATEGORY
          })
        );
      });
    }

    if (restorer) {
      restorer.add(sidebar, sidebar.id);
      // Run tabs come back after a reload, on the run's current (pending) prompt.
      void restorer.restore(tracker, {
        command: CommandIDs.openRun,
        args: widget => ({ id: widget.content.runId, label: widget.content.title.label }),
        name: widget => widget.content.runId
      });
    }

    void app.restored.then(() => sidebar.loadActions());
  }
};

export default plugin;
