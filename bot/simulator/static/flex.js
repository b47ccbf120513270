// Renders LINE template and Flex messages as DOM, close enough to LINE to judge them by eye.
"use strict";

(function () {
  const SPACING = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const TEXT_SIZE = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
  const IMAGE_SIZE = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, "3xl": 180, "4xl": 200, "5xl": 240 };
  const ICON_SIZE = TEXT_SIZE;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function px(value, table) {
    if (value === undefined || value === null) return null;
    if (typeof value === "number") return value + "px";
    if (table && value in table) return table[value] + "px";
    if (/^-?\d+(\.\d+)?(px|%)$/.test(value)) return value;
    return null;
  }

  function bindAction(node, action, onAction) {
    if (!action) return;
    node.classList.add("clickable");
    node.addEventListener("click", (event) => {
      event.stopPropagation();
      onAction(action);
    });
  }

  function applyCommon(node, c, parentLayout) {
    const style = node.style;
    const defaultFlex = parentLayout === "vertical" ? 0 : 1;
    const flex = c.flex !== undefined ? c.flex : defaultFlex;
    if (c.type !== "separator") style.flex = flex === 0 ? "0 0 auto" : `${flex} 1 0`;
    if (c.margin !== undefined) {
      const m = px(c.margin, SPACING);
      if (m) style[parentLayout === "vertical" ? "marginTop" : "marginLeft"] = m;
    }
    if (c.position === "absolute") {
      style.position = "absolute";
      for (const side of ["top", "bottom", "start", "end"]) {
        if (c["offset" + side[0].toUpperCase() + side.slice(1)] !== undefined) {
          const cssSide = side === "start" ? "left" : side === "end" ? "right" : side;
          style[cssSide] = px(c["offset" + side[0].toUpperCase() + side.slice(1)], SPACING);
        }
      }
    }
    if (c.gravity) style.alignSelf = { top: "flex-start", center: "center", bottom: "flex-end" }[c.gravity] || "";
  }

  function renderBox(box, parentLayout, onAction, root, defaultPadding) {
    const layout = box.layout || "vertical";
    const node = el("div", `flex-box ${layout}`);
    const s = node.style;
    // A block's padding belongs to its root box in LINE, so the box's background fills it.
    if (defaultPadding) s.padding = defaultPadding;
    if (box.backgroundColor) s.backgroundColor = box.backgroundColor;
    if (box.borderColor) s.borderColor = box.borderColor;
    if (box.borderWidth) { s.borderStyle = "solid"; s.borderWidth = px(box.borderWidth, { none: 0, light: 0.5, normal: 1, medium: 2, "semi-bold": 3, bold: 4 }) || "1px"; }
    if (box.cornerRadius) s.borderRadius = px(box.cornerRadius, SPACING);
    for (const side of ["All", "Top", "Bottom", "Start", "End"]) {
      const value = px(box["padding" + side], SPACING);
      if (!value) continue;
      if (side === "All") s.padding = value;
      else s["padding" + { Top: "Top", Bottom: "Bottom", Start: "Left", End: "Right" }[side]] = value;
    }
    if (box.width) s.width = box.width; if (box.height) s.height = box.height;
    if (box.maxWidth) s.maxWidth = box.maxWidth; if (box.maxHeight) s.maxHeight = box.maxHeight;
    if (box.justifyContent) s.justifyContent = box.justifyContent;
    if (box.alignItems) s.alignItems = box.alignItems;
    if (box.background && box.background.type === "linearGradient") {
      s.background = `linear-gradient(${box.background.angle || "0deg"}, ${box.background.startColor}, ${box.background.endColor})`;
    }
    s.position = "relative";
    const gap = px(box.spacing, SPACING);
    (box.contents || []).forEach((child, index) => {
      const childNode = renderComponent(child, layout, onAction);
      if (!childNode) return;
      if (index > 0 && gap && child.margin === undefined) {
        childNode.style[layout === "vertical" ? "marginTop" : "marginLeft"] = gap;
      }
      node.appendChild(childNode);
    });
    applyCommon(node, box, parentLayout);
    if (root) node.style.flex = "1 1 auto";
    bindAction(node, box.action, onAction);
    return node;
  }

  function renderText(c, parentLayout, onAction) {
    const node = el("div", "flex-text" + (c.wrap ? " wrap" : ""));
    if (Array.isArray(c.contents) && c.contents.length) {
      for (const span of c.contents) {
        const spanNode = el("span", null, span.text);
        styleText(spanNode, span);
        node.appendChild(spanNode);
      }
    } else {
      node.textContent = c.text;
    }
    styleText(node, c);
    if (c.align) node.style.textAlign = { start: "left", end: "right", center: "center" }[c.align];
    if (c.maxLines) { node.style.display = "-webkit-box"; node.style.webkitLineClamp = c.maxLines; node.style.webkitBoxOrient = "vertical"; node.style.overflow = "hidden"; }
    if (c.lineSpacing) node.style.lineHeight = `calc(1.4em + ${px(c.lineSpacing)})`;
    applyCommon(node, c, parentLayout);
    bindAction(node, c.action, onAction);
    return node;
  }

  function styleText(node, c) {
    const size = px(c.size, TEXT_SIZE);
    if (size) node.style.fontSize = size;
    if (c.weight === "bold") node.style.fontWeight = "700";
    if (c.color) node.style.color = c.color;
    if (c.style === "italic") node.style.fontStyle = "italic";
    if (c.decoration && c.decoration !== "none") node.style.textDecoration = c.decoration;
  }

  function renderImage(c, parentLayout, onAction) {
    const wrap = el("div", "flex-image");
    const img = el("img");
    img.src = c.url;
    img.alt = "";
    img.loading = "lazy";
    const size = c.size === "full" ? "100%" : (px(c.size, IMAGE_SIZE) || IMAGE_SIZE.md + "px");
    img.style.width = size;
    img.style.maxWidth = "100%";
    if (c.aspectRatio) {
      const [w, h] = c.aspectRatio.split(":").map(Number);
      if (w && h) img.style.aspectRatio = `${w} / ${h}`;
    } else {
      img.style.aspectRatio = "1 / 1";
    }
    img.style.objectFit = c.aspectMode === "cover" ? "cover" : "contain";
    if (c.backgroundColor) img.style.backgroundColor = c.backgroundColor;
    wrap.style.justifyContent = { start: "flex-start", end: "flex-end", center: "center" }[c.align || "center"];
    wrap.appendChild(img);
    applyCommon(wrap, c, parentLayout);
    bindAction(wrap, c.action, onAction);
    return wrap;
  }

  function renderButton(c, parentLayout, onAction) {
    const style = c.style || "link";
    const node = el("button", `flex-button ${style}` + (c.height === "sm" ? " sm" : ""), c.action && c.action.label);
    node.type = "button";
    if (c.color) {
      if (style === "link") node.style.color = c.color; else node.style.backgroundColor = c.color;
    }
    applyCommon(node, c, parentLayout);
    bindAction(node, c.action, onAction);
    return node;
  }

  function renderComponent(c, parentLayout, onAction) {
    if (!c || typeof c !== "object") return null;
    switch (c.type) {
      case "box": return renderBox(c, parentLayout, onAction, false);
      case "text": return renderText(c, parentLayout, onAction);
      case "image": return renderImage(c, parentLayout, onAction);
      case "button": return renderButton(c, parentLayout, onAction);
      case "separator": {
        const node = el("hr", "flex-separator");
        if (c.color) node.style.borderColor = c.color;
        applyCommon(node, c, parentLayout);
        return node;
      }
      case "spacer": {
        const node = el("div");
        const size = px(c.size || "md", SPACING);
        node.style.flex = "0 0 auto";
        node.style[parentLayout === "vertical" ? "height" : "width"] = size;
        return node;
      }
      case "filler": {
        const node = el("div");
        node.style.flex = `${c.flex !== undefined ? c.flex : 1} 1 0`;
        return node;
      }
      case "icon": {
        const node = el("img");
        node.src = c.url;
        node.alt = "";
        const size = px(c.size || "md", ICON_SIZE);
        node.style.height = size;
        node.style.width = size;
        node.style.flex = "0 0 auto";
        if (c.margin) node.style.marginLeft = px(c.margin, SPACING);
        return node;
      }
      default: {
        return el("div", "alt-note", `[${c.type}]`);
      }
    }
  }

  function renderBubble(bubble, onAction) {
    const node = el("div", "flex-bubble" + (bubble.size ? ` size-${bubble.size}` : ""));
    const styles = bubble.styles || {};
    for (const block of ["header", "hero", "body", "footer"]) {
      const content = bubble[block];
      if (!content) continue;
      const blockNode = el("div", `flex-block flex-${block}`);
      const blockStyle = styles[block] || {};
      if (blockStyle.backgroundColor) blockNode.style.backgroundColor = blockStyle.backgroundColor;
      if (blockStyle.separator && node.childNodes.length) {
        blockNode.style.borderTop = `1px solid ${blockStyle.separatorColor || "#e6e9ee"}`;
      }
      const padding = { header: "20px", body: "20px", footer: "10px" }[block];
      const inner = content.type === "box"
        ? renderBox(content, "vertical", onAction, true, padding)
        : renderComponent(content, "vertical", onAction);
      if (block === "hero" && content.type === "image") {
        inner.querySelector("img").style.width = "100%";
      }
      blockNode.appendChild(inner);
      node.appendChild(blockNode);
    }
    bindAction(node, bubble.action, onAction);
    return node;
  }

  function renderFlex(container, onAction) {
    if (!container) return el("div", "alt-note", "[flex]");
    if (container.type === "carousel") {
      const row = el("div", "h-scroll");
      for (const bubble of container.contents || []) row.appendChild(renderBubble(bubble, onAction));
      return row;
    }
    return renderBubble(container, onAction);
  }

  function actionButton(action, onAction) {
    const button = el("button", "tpl-action", action.label || "");
    button.type = "button";
    button.addEventListener("click", () => onAction(action));
    return button;
  }

  function templateCard(column, onAction, defaultAction) {
    const card = el("div", "tpl-card");
    if (column.thumbnailImageUrl) {
      const img = el("img");
      img.src = column.thumbnailImageUrl;
      img.alt = "";
      if (column.imageBackgroundColor) img.style.backgroundColor = column.imageBackgroundColor;
      if (column.imageSize === "contain") img.style.objectFit = "contain";
      card.appendChild(img);
    }
    if (column.title) card.appendChild(el("div", "tpl-title", column.title));
    card.appendChild(el("div", "tpl-text", column.text));
    for (const action of column.actions || []) card.appendChild(actionButton(action, onAction));
    bindAction(card, column.defaultAction || defaultAction, onAction);
    return card;
  }

  function renderTemplate(template, onAction) {
    if (!template) return el("div", "alt-note", "[template]");
    if (template.type === "buttons") return templateCard(template, onAction);
    if (template.type === "confirm") {
      const card = el("div", "tpl-card tpl-confirm");
      card.appendChild(el("div", "tpl-text", template.text));
      const actions = el("div", "tpl-actions");
      for (const action of template.actions || []) actions.appendChild(actionButton(action, onAction));
      card.appendChild(actions);
      return card;
    }
    if (template.type === "carousel") {
      const row = el("div", "h-scroll");
      for (const column of template.columns || []) row.appendChild(templateCard(column, onAction));
      return row;
    }
    if (template.type === "image_carousel") {
      const row = el("div", "h-scroll");
      for (const column of template.columns || []) {
        const cell = el("div", "img-col");
        const img = el("img");
        img.src = column.imageUrl;
        img.alt = "";
        cell.appendChild(img);
        if (column.action && column.action.label) cell.appendChild(el("span", null, column.action.label));
        bindAction(cell, column.action, onAction);
        row.appendChild(cell);
      }
      return row;
    }
    return el("div", "alt-note", `[template ${template.type}]`);
  }

  window.LineRender = { flex: renderFlex, template: renderTemplate, el };
})();
