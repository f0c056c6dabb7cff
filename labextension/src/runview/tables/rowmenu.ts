/**
 * The "⋯" menu of a table row: a list of links.
 *
 * A popover (top layer) when the browser has them, so the table's scroll box cannot clip it;
 * Escape and a click outside close it.
 */
import { h } from '../../common/dom';
import { text } from '../../common/text';
import { MenuItem } from '../props';

const HAS_POPOVER = typeof HTMLElement !== 'undefined' && 'popover' in HTMLElement.prototype;

interface MenuParts {
  btn: HTMLButtonElement;
  list: HTMLDivElement;
  links: HTMLAnchorElement[];
  wrap: HTMLDivElement;
}

function menuParts(items: MenuItem[], name: string): MenuParts {
  const btn = h('button', {
    type: 'button',
    class: 'inb-rv-menu-btn',
    'aria-haspopup': 'menu',
    'aria-expanded': 'false',
    'aria-label': `Actions for ${name}`,
    title: 'Actions',
    data: { role: 'row-menu' },
    text: '⋯'
  });
  const links = items.map(m =>
    h('a', {
      href: m.url,
      target: '_blank',
      rel: 'noopener noreferrer',
      role: 'menuitem',
      class: 'inb-rv-popmenu-item',
      text: text(m.label)
    })
  );
  const list = h(
    'div',
    {
      class: 'inb-rv-popmenu',
      role: 'menu',
      'aria-label': `Actions for ${name}`,
      popover: HAS_POPOVER ? 'auto' : null,
      hidden: !HAS_POPOVER
    },
    links
  );
  const wrap = h('div', { class: 'inb-rv-menu-wrap' }, btn, list);
  return { btn, list, links, wrap };
}

/** Opening, closing and placing the menu. */
class RowMenu {
  constructor(private readonly parts: MenuParts) {}

  isOpen(): boolean {
    return HAS_POPOVER ? this.parts.list.matches(':popover-open') : !this.parts.list.hidden;
  }

  readonly hide = (): void => {
    if (!this.isOpen()) {
      return;
    }
    if (HAS_POPOVER) {
      this.parts.list.hidePopover();
    } else {
      this.parts.list.hidden = true;
      this.opened(false);
    }
  };

  private readonly onScroll = (ev: Event): void => {
    if (!this.parts.list.contains(ev.target as Node | null)) {
      this.hide();
    }
  };

  opened(open: boolean): void {
    const { btn, list, links } = this.parts;
    btn.setAttribute('aria-expanded', String(open));
    if (open) {
      document.addEventListener('scroll', this.onScroll, true); // a fixed menu would float away
      if (HAS_POPOVER) {
        const r = list.getBoundingClientRect();
        if (r.bottom > window.innerHeight - 4) {
          list.style.top = `${Math.max(4, btn.getBoundingClientRect().top - 4 - r.height)}px`;
        }
      }
      if (links[0]) {
        links[0].focus({ preventScroll: true });
      }
    } else {
      document.removeEventListener('scroll', this.onScroll, true);
      if (list.contains(document.activeElement)) {
        btn.focus({ preventScroll: true });
      }
    }
  }

  wirePopover(): void {
    const { btn, list } = this.parts;
    btn.popoverTargetElement = list; // the browser toggles it (and a click on ⋯ while open closes it)
    list.addEventListener('beforetoggle', ev => {
      if ((ev as ToggleEvent).newState !== 'open') {
        return;
      }
      const r = btn.getBoundingClientRect();
      list.style.top = `${r.bottom + 4}px`;
      list.style.right = `${Math.max(4, document.documentElement.clientWidth - r.right)}px`;
    });
    list.addEventListener('toggle', ev => this.opened((ev as ToggleEvent).newState === 'open'));
  }

  wireKeys(): void {
    const { list, links, wrap } = this.parts;
    list.addEventListener('click', ev => {
      if ((ev.target as Element).closest('a')) {
        this.hide();
      }
    });
    wrap.addEventListener('focusout', ev => {
      if (!wrap.contains(ev.relatedTarget as Node | null)) {
        this.hide();
      }
    });
    list.addEventListener('keydown', ev => {
      const i = links.indexOf(document.activeElement as HTMLAnchorElement);
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        const n = links.length;
        links[(i + (ev.key === 'ArrowDown' ? 1 : n - 1)) % n].focus();
      } else if (ev.key === 'Escape' && !HAS_POPOVER) {
        ev.preventDefault();
        this.hide();
      }
    });
  }
}

/** The "⋯" menu of the row called `name`. */
export function rowMenu(items: MenuItem[], name: string): HTMLDivElement {
  const parts = menuParts(items, name);
  const menu = new RowMenu(parts);
  if (HAS_POPOVER) {
    menu.wirePopover();
  } else {
    parts.btn.addEventListener('click', () => {
      parts.list.hidden = !parts.list.hidden;
      menu.opened(!parts.list.hidden);
    });
  }
  menu.wireKeys();
  return parts.wrap;
}
